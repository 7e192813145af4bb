/**
 * The docker driver: the target is an appengine container on this host's docker daemon, each
 * command one `docker exec CONTAINER sh -c LINE` (every command inside under `timeout -k`, since
 * killing `docker exec` on the host would not stop it inside, with the host-side deadline as a
 * last resort). The container and its volume are made and removed by scripts/up.ts and down.ts.
 */
import { $ } from 'zx';
import { EnvironmentError } from '../errors.ts';
import { shellQuote as q } from '../shell-quote.ts';
import type { DriverEntry, ExecResult, LineOptions, TargetDriver, TargetValues, UserLines } from './driver.ts';

$.verbose = false;
$.quiet = true;

/** One docker CLI call (in its own process group), its output and exit code; -1 when the deadline killed it. */
export async function docker(args: string[], opts: { timeoutSecs?: number; input?: string | Buffer } = {}): Promise<ExecResult> {
  // in its own process group: a terminal's Ctrl-C (or a signal to the whole group) must not kill
  // the docker client mid-call, since the daemon would carry on without it (a `docker run` cut
  // short still creates its container, and its -v re-creates the volume teardown just removed);
  // the interrupt handler waits for the call instead, then tears down
  const p = $({ nothrow: true, input: opts.input, detached: true })`docker ${args}`;
  if (opts.timeoutSecs) p.timeout(`${opts.timeoutSecs}s`);
  const r = await p;
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}

/** `docker exec [-i|-it] CONTAINER COMMAND [< FILE]`, as a person types it. */
export function dockerLines(container: string): UserLines {
  return {
    userLine: (command: string, o: LineOptions = {}) =>
      `docker exec${o.tty ? ' -it' : o.stdinFrom !== undefined ? ' -i' : ''} ${q(container)}${command ? ` ${command}` : ''}${o.stdinFrom !== undefined ? ` < ${q(o.stdinFrom)}` : ''}`,
  };
}

/** A docker error that means the target is gone (exit 3), or undefined. */
export function dockerGone(container: string, r: ExecResult): EnvironmentError | undefined {
  if (r.exitCode === 0) return undefined;
  const last = r.stderr.trim().split('\n').pop();
  if (/is not running|No such container|is restarting|is paused/.test(r.stderr)) {
    return new EnvironmentError(`container ${container} went away (docker: ${last}); nothing was judged after that`);
  }
  if (/Cannot connect to the Docker daemon|error during connect/i.test(r.stderr)) return new EnvironmentError(`docker daemon not reachable (${last})`);
  return undefined;
}

export function dockerDriver(v: TargetValues): TargetDriver {
  const run = async (args: string[], timeoutSecs: number, input?: Buffer): Promise<ExecResult> => {
    const r = await docker(args, { timeoutSecs, input });
    const gone = dockerGone(v.container, r);
    if (gone) throw gone;
    return r;
  };
  return {
    name: 'docker',
    description: `docker container ${v.container}`,
    lifecycle: 'boot',
    lockKey: v.container,
    requireReachable: async () => {
      const r = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutSecs: 30 });
      if (r.exitCode !== 0) {
        throw new EnvironmentError(/not found|ENOENT/i.test(r.stderr) ? 'docker is not installed' : `docker daemon not reachable: ${r.stderr.trim().split('\n').pop()}`);
      }
    },
    ...dockerLines(v.container),
    hostArgv: (words, o = {}) => ['docker', 'exec', ...(o.stdin && o.tty ? ['-it'] : o.stdin ? ['-i'] : o.tty ? ['-t'] : []), v.container, ...words],
    failure: (r) => dockerGone(v.container, r),
    exec: (command, o) => run(o.stdin === undefined ? ['exec', v.container, 'sh', '-c', command] : ['exec', '-i', v.container, 'sh', '-c', command], o.timeoutSecs, o.stdin),
    copyIn: (hostPath, targetPath, o) => run(['cp', hostPath, `${v.container}:${targetPath}`], o.timeoutSecs),
    copyOut: (targetPath, hostPath, o) => run(['cp', `${v.container}:${targetPath}`, hostPath], o.timeoutSecs),
    startAppengine: (o) => run(['exec', v.container, 'sh', '-c', appengineStartLine(o.outFile, o.env)], 30),
    stopAppengine: (o) => run(['stop', '-t', String(o.timeoutSecs), v.container], o.timeoutSecs + 10),
  };
}

/**
 * pv-appengine in the background, its output in a file (the plan's bare `pv-appengine &` dies
 * with the exec's pipe and loses the relaunch loop, facts §11.1).
 */
export function appengineStartLine(outFile: string, env: Record<string, string> = {}): string {
  const dir = outFile.replace(/\/[^/]*$/, '') || '/';
  const vars = Object.entries(env).map(([k, val]) => `${k}=${q(val)} `).join('');
  return `mkdir -p ${q(dir)} && ${vars}pv-appengine > ${q(outFile)} 2>&1 &`;
}

export const DOCKER: DriverEntry = { description: 'an appengine container on the host docker daemon (docker exec)', lines: (v) => dockerLines(v.container), create: dockerDriver };
