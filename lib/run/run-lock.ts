/**
 * One run at a time per target. A target the toolkit boots (docker) is its set of names: a run
 * holds `<PVTXD>.lock` (pvtx.d itself cannot hold it: pv-appengine adds every file there) while
 * it stages, boots, checks and tears down. A running target (a device over SSH) is the device:
 * a run holds `<tmpdir>/pv-ipam-tests-<uid>/device-<user@host:port>.lock`, one per device on this
 * machine whatever the checkout or PVTXD, so that two boards are tested side by side and one
 * board by one run at a time. A second run on the same target is refused (exit 3) naming the run
 * that holds it; a lock whose process is gone is taken over.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Config } from '../tooling/config.ts';
import { EnvironmentError, UsageError } from '../tooling/errors.ts';
import { isJsonObject, parseJsonBounded } from '../parse/json-bounded.ts';
import { typed } from './output.ts';
import { targetDriver } from '../target/registry.ts';

interface Holder {
  pid: number;
  run: string;
  /** the target the run holds: its driver's lockKey (docker: the container name) */
  container: string;
  since: string;
}

/** A holder that has exited is not alive, a zombie not yet reaped (state Z in /proc/PID/stat) included. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The run holding the lock file, if it is another process and alive; a lock that is unreadable or whose holder is gone is stale. */
function liveHolder(file: string): Holder | undefined {
  const h = readHolder(file);
  return h && h.pid !== process.pid && alive(h.pid) ? h : undefined;
}

/**
 * The holder a lock file names; undefined when it is missing or empty (a run killed while
 * writing it). Anything else than a lock the toolkit wrote (a link, a directory, other content)
 * is refused, exit 2: it is not the toolkit's to take over or delete.
 */
function readHolder(file: string): Holder | undefined {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return undefined;
  }
  const foreign = (why: string) => new UsageError(`${typed(file)} ${why}, not a lock pv-ipam-tests wrote; move it away or set PVTXD= to another directory`);
  if (!st.isFile()) throw foreign(st.isSymbolicLink() ? 'is a symbolic link' : 'is not a regular file');
  if (st.size === 0) return undefined;
  if (st.size > 4096) throw foreign(`has ${st.size} bytes`);
  const r = parseJsonBounded(readFileSync(file, 'utf8'), { depth: 2 });
  const h = 'value' in r ? r.value : undefined;
  if (!isJsonObject(h) || !Number.isInteger(h.pid) || (h.pid as number) <= 0 || typeof h.run !== 'string' || typeof h.container !== 'string' || typeof h.since !== 'string') {
    throw foreign('holds something else');
  }
  return h as unknown as Holder;
}

/** The lock file of a running target keyed `key` (user@host:port): one file name word of it. */
export function deviceLockFile(key: string, dir = `${tmpdir()}/pv-ipam-tests-${process.getuid?.() ?? 'user'}`): string {
  return `${dir}/device-${key.replace(/[^A-Za-z0-9@:._-]/g, '_')}.lock`;
}

export function lockFile(cfg: Config): string {
  const driver = targetDriver(cfg);
  if (driver.lifecycle === 'running') return deviceLockFile(driver.lockKey);
  return `${cfg.pvtxd.replace(/\/+$/, '')}.lock`;
}

/** What to say to a run refused by `h`: wait, or (a target the toolkit boots) use other names. */
function inUse(cfg: Config, h: Holder): string {
  if (targetDriver(cfg).lifecycle === 'running') return `${h.container} is in use by run ${h.run} (pid ${h.pid}, since ${h.since}); one run at a time on a device: wait for it`;
  return `${h.container} and ${typed(cfg.pvtxd)} are in use by run ${h.run} (pid ${h.pid}, since ${h.since}); wait for it, or set CONTAINER=, VOLUME= and PVTXD= to other names`;
}

/** Takes the lock for this run or throws naming the run that holds it; returns the release. */
export function acquireRunLock(cfg: Config, run: string): () => void {
  const file = lockFile(cfg);
  const me: Holder = { pid: process.pid, run, container: targetDriver(cfg).lockKey, since: new Date().toISOString() };
  if (targetDriver(cfg).lifecycle === 'running') mkdirSync(file.replace(/\/[^/]*$/, ''), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me) + '\n');
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
        } catch { /* gone already, or no longer ours */ }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new EnvironmentError(`cannot create ${typed(file)}: ${(e as Error).message}`);
      const h = liveHolder(file);
      if (h) throw new EnvironmentError(inUse(cfg, h));
      rmSync(file, { force: true });
    }
  }
  throw new EnvironmentError(`cannot take ${typed(file)}`);
}

/**
 * For `make down` on its own: refuses while a live run holds the names (its own teardown will
 * run), and removes the lock a killed run left.
 */
export function clearStaleLock(cfg: Config): void {
  const file = lockFile(cfg);
  const h = liveHolder(file);
  if (h) {
    throw new EnvironmentError(`${h.container} is in use by run ${h.run} (pid ${h.pid}, since ${h.since}); stop that run (Ctrl-C tears it down) instead`);
  }
  rmSync(file, { force: true });
}
