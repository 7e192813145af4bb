/**
 * The docker driver: the target is an appengine container on this host's docker daemon, each
 * command one `docker exec CONTAINER sh -c LINE` (every command inside under `timeout -k`, since
 * killing `docker exec` on the host would not stop it inside, with the host-side deadline as a
 * last resort). Its lifecycle is 'boot': the container and its volume are made and removed by
 * its BootHooks (lib/target/docker-boot.ts).
 */
import type { Config } from '../config.ts';
import type { DriverEntry, ExecResult, TargetDriver } from './driver.ts';
import { dockerBoot, requireDocker, requireImage } from './docker-boot.ts';
import { docker, dockerGone, dockerLines } from './docker-cli.ts';

export { appengineStartLine, docker, dockerGone, dockerLines, imageLabel, loadImage } from './docker-cli.ts';

export function dockerDriver(v: Config): TargetDriver {
  const run = async (args: string[], timeoutSecs: number, input?: Buffer): Promise<ExecResult> => {
    const r = await docker(args, { timeoutSecs, input });
    const gone = dockerGone(v.container, r);
    if (gone) throw gone;
    return r;
  };
  return {
    name: 'docker',
    description: `docker container ${v.container}`,
    ...dockerLines(v.container),
    hostArgv: (words, o = {}) => ['docker', 'exec', ...(o.stdin && o.tty ? ['-it'] : o.stdin ? ['-i'] : o.tty ? ['-t'] : []), v.container, ...words],
    failure: (r) => dockerGone(v.container, r),
    exec: (command, o) => run(o.stdin === undefined ? ['exec', v.container, 'sh', '-c', command] : ['exec', '-i', v.container, 'sh', '-c', command], o.timeoutSecs, o.stdin),
    copyIn: (hostPath, targetPath, o) => run(['cp', hostPath, `${v.container}:${targetPath}`], o.timeoutSecs),
    copyOut: (targetPath, hostPath, o) => run(['cp', `${v.container}:${targetPath}`, hostPath], o.timeoutSecs),
    lifecycle: 'boot',
    lockKey: v.container,
    requireReachable: async () => {
      await requireDocker();
      await requireImage(v);
    },
    boot: dockerBoot(v),
  };
}

export const DOCKER: DriverEntry = { description: 'an appengine container on the host docker daemon (docker exec)', lines: (v) => dockerLines(v.container), create: dockerDriver };
