/**
 * Everything that reaches Docker. One exec wrapper runs every command inside the appengine
 * container under `timeout -k` (killing `docker exec` on the host would not stop it inside)
 * with a host-side timeout as a last resort.
 */
import { $ } from 'zx';
import type { Config } from '../../lib/config.ts';
import { EnvironmentError } from '../../lib/errors.ts';
import { echoCommand } from './common.ts';

$.verbose = false;
$.quiet = true;

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function docker(args: string[], opts: { echo?: boolean; timeoutSecs?: number; input?: string | Buffer } = {}): Promise<ExecResult> {
  if (opts.echo) echoCommand(['docker', ...args]);
  // in its own process group: a terminal's Ctrl-C (or a signal to the whole group) must not kill
  // the docker client mid-call, since the daemon would carry on without it (a `docker run` cut
  // short still creates its container, and its -v re-creates the volume teardown just removed);
  // the interrupt handler waits for the call instead, then tears down
  const p = $({ nothrow: true, input: opts.input, detached: true })`docker ${args}`;
  if (opts.timeoutSecs) p.timeout(`${opts.timeoutSecs}s`);
  const r = await p;
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}

export async function requireDocker(): Promise<void> {
  const r = await $({ nothrow: true })`docker version --format {{.Server.Version}}`.timeout('30s');
  if (r.exitCode !== 0) {
    const why = /not found|ENOENT/i.test(r.stderr + r.message) ? 'docker is not installed' : `docker daemon not reachable: ${r.stderr.trim().split('\n').pop()}`;
    throw new EnvironmentError(why);
  }
}

export async function requireImage(cfg: Config): Promise<void> {
  const r = await docker(['image', 'inspect', '--format', '{{.Id}}', cfg.image]);
  if (r.exitCode !== 0) {
    const how = cfg.target === 'lab' ? 'build it with `make lab`' : 'build it with `make build` and load it with `make load`';
    throw new EnvironmentError(`image ${cfg.image} not found; ${how}`);
  }
}

/** What teardown needs of a container or volume, from one inspect: the container's id, the volume's mountpoint. */
export type Presence = { exists: false } | { exists: true; ours: boolean; running: boolean; id?: string; mountpoint?: string };

export async function containerPresence(cfg: Config): Promise<Presence> {
  const r = await docker(['container', 'inspect', '--format', `{{.State.Running}} {{.Id}} {{index .Config.Labels "${cfg.label}"}}`, cfg.container]);
  if (r.exitCode !== 0) return { exists: false };
  const [running, id, label] = r.stdout.trim().split(' ');
  return { exists: true, running: running === 'true', id, ours: !!label && label !== '<no' };
}

/** Fails (exit 3) unless the appengine container is up; `how` says how to get it there. */
export async function requireRunning(cfg: Config, how = 'make stage-N up, or KEEP=1 make test-N'): Promise<void> {
  const c = await containerPresence(cfg);
  if (!c.exists || !c.running) throw new EnvironmentError(`container ${cfg.container} is not running (${how})`);
}

export async function volumePresence(cfg: Config): Promise<Presence> {
  const r = await docker(['volume', 'inspect', '--format', `{{.Mountpoint}} {{index .Labels "${cfg.label}"}}`, cfg.volume]);
  if (r.exitCode !== 0) return { exists: false };
  const [mountpoint, ...rest] = r.stdout.trim().split(' ');
  const label = rest.join(' ');
  return { exists: true, running: false, mountpoint, ours: !!label && label !== '<no value>' };
}

/** Runs a shell script inside the container; each command in it carries its own `timeout -k`. */
export async function execInContainer(cfg: Config, script: string, hostTimeoutSecs: number, echo = false, stdin?: Buffer): Promise<ExecResult> {
  if (echo) echoCommand(['docker', 'exec', cfg.container, 'sh', '-c', script]);
  const args = stdin === undefined ? ['exec', cfg.container, 'sh', '-c', script] : ['exec', '-i', cfg.container, 'sh', '-c', script];
  const r = await docker(args, { timeoutSecs: hostTimeoutSecs, input: stdin });
  if (r.exitCode !== 0 && /is not running|No such container|is restarting|is paused/.test(r.stderr)) {
    throw new EnvironmentError(`container ${cfg.container} went away (docker: ${r.stderr.trim().split('\n').pop()}); nothing was judged after that`);
  }
  if (r.exitCode !== 0 && /Cannot connect to the Docker daemon|error during connect/i.test(r.stderr)) {
    throw new EnvironmentError(`docker daemon not reachable (${r.stderr.trim().split('\n').pop()})`);
  }
  return r;
}

/** Wraps one command for execution inside the container with an inner timeout. */
export function timed(cfg: Config, command: string): string {
  return `timeout -k 2 ${cfg.cmdTimeoutSecs} ${command}`;
}
