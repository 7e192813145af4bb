/**
 * The scripts' side of the target: execInContainer runs through the configuration's driver
 * (lib/target/); the rest is what the docker target's up, down and clean need of the daemon.
 */
import { $ } from 'zx';
import type { Config } from '../../lib/config.ts';
import { EnvironmentError } from '../../lib/errors.ts';
import type { ExecResult } from '../../lib/target/driver.ts';
import { docker as dockerCli } from '../../lib/target/docker.ts';
import { targetDriver } from '../../lib/target/registry.ts';
import { echoCommand, echoShell, shellQuote } from './common.ts';

export type { ExecResult };

/** One docker CLI call (lib/target/docker.ts), echoed first when asked. */
export async function docker(args: string[], opts: { echo?: boolean; timeoutSecs?: number; input?: string | Buffer } = {}): Promise<ExecResult> {
  if (opts.echo) echoCommand(['docker', ...args]);
  return dockerCli(args, opts);
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
    const how = cfg.hints.image ?? 'build it with `make build` and load it with `make load`';
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

/** Runs a shell script in the target (its driver's exec), echoed as the user line; each command in it carries its own `timeout -k`. */
export async function execInContainer(cfg: Config, script: string, hostTimeoutSecs: number, echo = false, stdin?: Buffer): Promise<ExecResult> {
  const driver = targetDriver(cfg);
  if (echo) echoShell(driver.userLine(`sh -c ${shellQuote(script)}`));
  return driver.exec(script, { timeoutSecs: hostTimeoutSecs, stdin });
}

/** Wraps one command for execution inside the container with an inner timeout. */
export function timed(cfg: Config, command: string): string {
  return `timeout -k 2 ${cfg.cmdTimeoutSecs} ${command}`;
}
