/**
 * up: the plan's Execute block, minus the fixed sleep.
 *   docker volume create storage-test
 *   docker run --name pva-test -d --privileged -v $PWD/pvtx.d:/usr/lib/pantavisor/pvtx.d \
 *     -v storage-test:/var/pantavisor/storage --entrypoint /bin/sh pantavisor-appengine:latest -c "sleep infinity"
 *   docker exec pva-test sh -c 'mkdir -p /var/pantavisor/storage/.pv-ipam-tests && pv-appengine > /var/pantavisor/storage/.pv-ipam-tests/pv-appengine.out 2>&1 &'
 *   ... then poll pantavisor.log until the boot settles (READY, or the revision is torn down).
 * pv-appengine's output goes to a file because the plan's bare `pv-appengine &` dies with the
 * exec's pipe and loses the relaunch loop (facts §11.1); the file is kept in every capture.
 */
import type { Config } from '../lib/config.ts';
import { EnvironmentError } from '../lib/errors.ts';
import { findLines } from '../lib/log-match.ts';
import type { PvLog } from '../lib/parse/pv-log.ts';
import { LiveLog } from './shared/live-log.ts';
import { pollUntil } from '../lib/poll.ts';
import { clearProgress, colors, config, echoShell, isMain, main, progress, say, shellQuote, stamp, terminalColumns, terminalSafe } from './shared/common.ts';
import { progressLine } from '../lib/progress.ts';
import { acquireRunLock } from './shared/run-lock.ts';
import { removeContainer, removeVolume } from './down.ts';
import { containerPresence, docker, requireDocker, requireImage, volumePresence } from './shared/docker.ts';
import { appengineStartLine } from '../lib/target/docker.ts';
import { targetDriver } from '../lib/target/registry.ts';

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
export async function createContainer(cfg: Config, runId: string): Promise<void> {
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

/** pv-appengine in the background, its output kept in the storage volume. */
export async function startAppengine(cfg: Config): Promise<void> {
  // pantavisor reads PV_* settings from its environment (config_parser.c), pv-appengine reaps its band
  const env = cfg.loopIndexBase !== undefined ? { PV_LOOP_INDEX_BASE: String(cfg.loopIndexBase) } : undefined;
  const driver = targetDriver(cfg);
  echoShell(driver.userLine(`sh -c ${shellQuote(appengineStartLine(cfg.appengineOut, env))}`));
  const r = await driver.startAppengine({ outFile: cfg.appengineOut, env });
  if (r.exitCode !== 0) throw new EnvironmentError(`starting pv-appengine failed: ${r.stderr.trim()}`);
}

export async function up(cfg: Config, runId: string): Promise<void> {
  await createContainer(cfg, runId);
  await startAppengine(cfg);
}

export const SETTLED = /state revision '0' status is now READY|a platform did not work as expected/;

/** Polls the log (incrementally) until the boot settles; returns whether it did and what was seen last. */
export async function waitBootSettled(cfg: Config): Promise<{ ok: boolean; elapsedMs: number; lastSeen: string }> {
  const live = new LiveLog(cfg);
  const settled = (log: PvLog) => findLines(log.lines, { regex: SETTLED.source }).length > 0;
  const r = await pollUntil(
    async () => (await live.refresh()).log,
    settled,
    {
      timeoutMs: cfg.bootTimeoutMs,
      intervalMs: cfg.pollIntervalMs,
      onWait: (log, ms) => {
        const last = log.lines[log.lines.length - 1];
        progress(
          progressLine('boot', ms, cfg.bootTimeoutMs, `${log.lines.length} log lines, no READY or teardown line yet${last ? `; last: [${last.module}] ${last.message}` : ''}`, terminalColumns()),
        );
      },
    },
  );
  clearProgress();
  const lines = r.value.lines;
  const last = lines.length ? `last log line: ${lines[lines.length - 1].raw}` : 'pantavisor.log is empty or missing';
  return { ok: r.ok, elapsedMs: r.elapsedMs, lastSeen: last };
}

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    say(colors.bold(`up: ${cfg.container} from ${cfg.image} (target: ${cfg.targetLabel})`));
    const release = acquireRunLock(cfg, `up-${stamp()}`);
    try {
      await up(cfg, `up-${stamp()}`);
    } finally {
      release();
    }
    const w = await waitBootSettled(cfg);
    if (!w.ok) {
      say(colors.red(`not settled after ${(w.elapsedMs / 1000).toFixed(1)} s; ${terminalSafe(String(w.lastSeen))}`));
      say(`the container is left running: make shell / make logs / make down`);
      return 1;
    }
    say(colors.green(`boot settled after ${(w.elapsedMs / 1000).toFixed(1)} s`));
  });
}
