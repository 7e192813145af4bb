/**
 * The docker driver's lifecycle (lib/target/driver.ts BootHooks): the plan's Execute and Common
 * Teardown blocks, restricted to what the toolkit created (its label on the container and volume).
 *   docker volume create storage-test
 *   docker run --name pva-test -d --privileged -v $PWD/pvtx.d:/usr/lib/pantavisor/pvtx.d \
 *     -v storage-test:/var/pantavisor/storage --entrypoint /bin/sh pantavisor-appengine:latest -c "sleep infinity"
 *   docker exec pva-test sh -c 'mkdir -p ... && pv-appengine > .../pv-appengine.out 2>&1 &'
 *   docker exec pva-test sh -c '<release the loop devices this container attached>'
 *   docker rm -f pva-test
 *   docker volume rm storage-test
 * pv-appengine's output goes to a file because the plan's bare `pv-appengine &` dies with the
 * exec's pipe and loses the relaunch loop (facts §11.1). The loop devices: `docker rm -f` does not
 * detach the ones pantavisor attached for container roots, and each would keep the deleted
 * volume's space held (lib/loop-devices.ts says which are ours): released inside the container
 * while it runs, and from the host (as root) once it is gone.
 */
import { readdirSync, statSync } from 'node:fs';
import { $ } from 'zx';
import type { Config } from '../config.ts';
import { EnvironmentError } from '../errors.ts';
import { loopsBackedBy, mayBeStorageLoop, parseHostLosetup, parseReleased, releaseLoopsScript } from '../loop-devices.ts';
import { colors, echoCommand, echoShell, say, shellQuote, terminalSafe } from '../run/output.ts';
import type { BootHooks, ExecResult } from './driver.ts';
import { appengineStartLine, docker as dockerCli, dockerGone, dockerLines } from './docker-cli.ts';

/** One docker CLI call, echoed first when asked. */
async function docker(args: string[], opts: { echo?: boolean; timeoutSecs?: number; input?: string | Buffer } = {}): Promise<ExecResult> {
  if (opts.echo) echoCommand(['docker', ...args]);
  return dockerCli(args, opts);
}

/** The docker CLI is there and its daemon answers, else one line (exit 3). */
export async function requireDocker(): Promise<void> {
  const r = await $({ nothrow: true })`docker version --format {{.Server.Version}}`.timeout('30s');
  if (r.exitCode !== 0) {
    const why = /not found|ENOENT/i.test(r.stderr + r.message) ? 'docker is not installed' : `docker daemon not reachable: ${r.stderr.trim().split('\n').pop()}`;
    throw new EnvironmentError(why);
  }
}

/** IMAGE is on the daemon, else one line saying how to get it (the preset's hint). */
export async function requireImage(cfg: Pick<Config, 'image' | 'hints'>): Promise<void> {
  const r = await docker(['image', 'inspect', '--format', '{{.Id}}', cfg.image]);
  if (r.exitCode !== 0) {
    const how = cfg.hints.image ?? 'build it with `make build` and load it with `make load`';
    throw new EnvironmentError(`image ${cfg.image} not found; ${how}`);
  }
}

/** What teardown needs of a container or volume, from one inspect: the container's id, the volume's mountpoint. */
type Presence = { exists: false } | { exists: true; ours: boolean; running: boolean; id?: string; mountpoint?: string };

async function containerPresence(cfg: Config): Promise<Presence> {
  const r = await docker(['container', 'inspect', '--format', `{{.State.Running}} {{.Id}} {{index .Config.Labels "${cfg.label}"}}`, cfg.container]);
  if (r.exitCode !== 0) return { exists: false };
  const [running, id, label] = r.stdout.trim().split(' ');
  return { exists: true, running: running === 'true', id, ours: !!label && label !== '<no' };
}

async function volumePresence(cfg: Config): Promise<Presence> {
  const r = await docker(['volume', 'inspect', '--format', `{{.Mountpoint}} {{index .Labels "${cfg.label}"}}`, cfg.volume]);
  if (r.exitCode !== 0) return { exists: false };
  const [mountpoint, ...rest] = r.stdout.trim().split(' ');
  const label = rest.join(' ');
  return { exists: true, running: false, mountpoint, ours: !!label && label !== '<no value>' };
}

/** Detaches the loop devices the running container attached (see lib/loop-devices.ts). */
async function releaseLoops(cfg: Config, self: string): Promise<void> {
  const others = (await docker(['ps', '-q', '--filter', `label=${cfg.label}`, '--filter', 'status=running'])).stdout.split('\n').filter(Boolean);
  const alone = others.every((id) => self.startsWith(id));
  echoShell(`${dockerLines(cfg.container).userLine('sh -c')} '<detach the loop devices mounted here${alone ? ` or backed by ${cfg.storagePath}/...` : ''}>'  # lib/loop-devices.ts`);
  const r = await docker(['exec', cfg.container, 'sh', '-c', releaseLoopsScript(cfg.storagePath, alone)], { timeoutSecs: cfg.cmdTimeoutSecs + 10 });
  for (const l of parseReleased(r.stdout)) say(colors.dim(terminalSafe(`  released ${l.device} (${l.file})`)));
}

/**
 * After the container is gone: the host loop devices still backed by files of the storage
 * volume (a container killed from outside, or a release cut short). Needs root on the host, to
 * read the volume and detach; without it, says which devices remain and how to free them.
 */
async function releaseHostLoops(cfg: Config, mp: string): Promise<void> {
  const list = await $({ nothrow: true, quiet: true })`losetup -a`;
  if (list.exitCode !== 0 || !mp) return;
  const loops = parseHostLosetup(list.stdout).filter(mayBeStorageLoop);
  if (!loops.length) return;
  const files: { dev: number; ino: number }[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory() && depth < 6) walk(p, depth + 1);
      else if (e.isFile()) {
        const st = statSync(p);
        files.push({ dev: st.dev, ino: st.ino });
      }
    }
  };
  try {
    walk(mp, 0);
  } catch {
    say(colors.yellow(`loop devices of ${cfg.volume} may remain attached (run as root to release them, or: sudo losetup -a | grep trails)`));
    return;
  }
  for (const l of loopsBackedBy(loops, files)) {
    const r = await $({ nothrow: true, quiet: true })`losetup -d ${l.device}`;
    echoShell(`losetup -d ${l.device}  # ${l.file}`);
    if (r.exitCode !== 0) say(colors.yellow(terminalSafe(`  ${l.device} not released: ${r.stderr.trim()}`)));
  }
}

/** docker rm -f of cfg.container, if pv-ipam-tests created it, after the loop devices it attached. */
async function removeContainer(cfg: Config): Promise<void> {
  const c = await containerPresence(cfg);
  if (c.exists && c.ours) {
    if (c.running) await releaseLoops(cfg, c.id ?? '').catch((e) => say(colors.yellow(`loop devices not released: ${(e as Error).message}`)));
    await docker(['rm', '-f', cfg.container], { echo: true });
  } else if (c.exists) say(colors.yellow(`left alone: container ${cfg.container} was not created by pv-ipam-tests`));
}

/** docker volume rm of cfg.volume, if pv-ipam-tests created it, after the host loop devices its files back. */
async function removeVolume(cfg: Config): Promise<void> {
  const v = await volumePresence(cfg);
  if (v.exists && v.ours) {
    await releaseHostLoops(cfg, v.mountpoint ?? '').catch((e) => say(colors.yellow(`loop devices not released: ${(e as Error).message}`)));
    const r = await docker(['volume', 'rm', cfg.volume], { echo: true });
    if (r.exitCode !== 0) say(colors.yellow(`volume ${cfg.volume} not removed: ${r.stderr.trim()}`));
  } else if (v.exists) say(colors.yellow(`left alone: volume ${cfg.volume} was not created by pv-ipam-tests`));
}

/**
 * Removes a leftover container/volume of an earlier toolkit run (one killed before its teardown),
 * with the loop devices it attached, as down does; refuses to touch anything else.
 */
async function clearLeftovers(cfg: Config): Promise<void> {
  const c = await containerPresence(cfg);
  if (c.exists && !c.ours) {
    throw new EnvironmentError(`a container named ${cfg.container} exists that pv-ipam-tests did not create; remove it yourself or set CONTAINER=another-name`);
  }
  const v = await volumePresence(cfg);
  if (v.exists && !v.ours) {
    throw new EnvironmentError(`a volume named ${cfg.volume} exists that pv-ipam-tests did not create; remove it yourself or set VOLUME=another-name`);
  }
  if (c.exists || v.exists) {
    say(colors.yellow(`left by an earlier run, removed first: ${[c.exists && `container ${cfg.container}`, v.exists && `volume ${cfg.volume}`].filter(Boolean).join(', ')}`));
    await removeContainer(cfg);
    await removeVolume(cfg);
  }
}

/** docker volume create + docker run ... sleep infinity: the container, before pv-appengine. */
async function createContainer(cfg: Config, runId: string): Promise<void> {
  await requireDocker();
  await requireImage(cfg);
  await clearLeftovers(cfg);
  const label = `${cfg.label}=${runId}`;
  let r = await docker(['volume', 'create', '--label', label, cfg.volume], { echo: true });
  if (r.exitCode !== 0) throw new EnvironmentError(`docker volume create failed: ${r.stderr.trim()}`);
  r = await docker([
    'run',
    '--name',
    cfg.container,
    '-d',
    '--label',
    label,
    ...cfg.dockerRunOpts,
    '-v',
    `${cfg.pvtxd}:${cfg.pvtxdMount}`,
    '-v',
    `${cfg.volume}:${cfg.storagePath}`,
    '--entrypoint',
    '/bin/sh',
    cfg.image,
    '-c',
    'sleep infinity',
  ], { echo: true });
  if (r.exitCode !== 0) {
    await docker(['volume', 'rm', cfg.volume]);
    throw new EnvironmentError(`docker run failed: ${r.stderr.trim().split('\n').pop()}`);
  }
}

/** A docker call that means the container is gone throws (exit 3); any other result is returned. */
async function inContainer(cfg: Config, args: string[], timeoutSecs: number): Promise<ExecResult> {
  const r = await docker(args, { timeoutSecs });
  const gone = dockerGone(cfg.container, r);
  if (gone) throw gone;
  return r;
}

export function dockerBoot(cfg: Config): BootHooks {
  return {
    requireHost: requireDocker,
    create: (o) => createContainer(cfg, o.runId),
    running: async () => {
      const c = await containerPresence(cfg);
      return c.exists && c.running;
    },
    startAppengine: (o) => {
      const line = appengineStartLine(o.outFile, o.env);
      echoShell(dockerLines(cfg.container).userLine(`sh -c ${shellQuote(line)}`));
      return inContainer(cfg, ['exec', cfg.container, 'sh', '-c', line], 30);
    },
    stopAppengine: (o) => inContainer(cfg, ['stop', '-t', String(o.timeoutSecs), cfg.container], o.timeoutSecs + 10),
    remove: async () => {
      await removeContainer(cfg);
      await removeVolume(cfg);
    },
    removeAll: async () => {
      const cs = (await docker(['ps', '-a', '--filter', `label=${cfg.label}`, '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean);
      for (const container of cs) await removeContainer({ ...cfg, container });
      const vs = (await docker(['volume', 'ls', '-q', '--filter', `label=${cfg.label}`])).stdout.split('\n').filter(Boolean);
      for (const volume of vs) await removeVolume({ ...cfg, volume });
      return `removed ${cs.length} container(s), ${vs.length} volume(s) labelled ${cfg.label}`;
    },
  };
}
