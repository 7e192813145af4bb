/**
 * The docker CLI as the docker driver (lib/target/docker.ts) and its lifecycle
 * (lib/target/docker-boot.ts) call it, and the lines a person types for it.
 */
import { $ } from 'zx';
import { EnvironmentError } from '../errors.ts';
import { shellQuote as q } from '../shell-quote.ts';
import type { ExecResult, LineOptions, UserLines } from './driver.ts';

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

/**
 * pv-appengine in the background, its output in a file (the plan's bare `pv-appengine &` dies
 * with the exec's pipe and loses the relaunch loop, facts §11.1).
 */
export function appengineStartLine(outFile: string, env: Record<string, string> = {}): string {
  const dir = outFile.replace(/\/[^/]*$/, '') || '/';
  const vars = Object.entries(env).map(([k, val]) => `${k}=${q(val)} `).join('');
  return `mkdir -p ${q(dir)} && ${vars}pv-appengine > ${q(outFile)} 2>&1 &`;
}

/** The labels an image carries (docker image inspect), `label`'s value or '' (the dev build's description of itself). */
export async function imageLabel(image: string, label: string): Promise<string> {
  return (await docker(['image', 'inspect', '-f', `{{ index .Config.Labels ${JSON.stringify(label)} }}`, image])).stdout.trim();
}

/** docker load -i FILE (make load). */
export function loadImage(file: string): Promise<ExecResult> {
  return docker(['load', '-i', file]);
}
