/**
 * up: the plan's Execute block, minus the fixed sleep: the target made (the driver's boot hooks:
 * docker volume create, docker run ... sleep infinity), pv-appengine started in the background,
 * then pantavisor.log polled until the boot settles (READY, or the revision is torn down).
 */
import type { Config } from '../config.ts';
import { EnvironmentError } from '../errors.ts';
import { findLines } from '../log-match.ts';
import type { PvLog } from '../parse/pv-log.ts';
import { pollUntil } from '../poll.ts';
import { progressLine } from '../progress.ts';
import { stamp } from './cli.ts';
import { bootHooks } from './exec.ts';
import { LiveLog } from './live-log.ts';
import { clearProgress, colors, progress, say, terminalColumns, terminalSafe } from './output.ts';
import { acquireRunLock } from './run-lock.ts';

/** pv-appengine in the background (the driver's hook), its output in APPENGINE_OUT. */
export async function startAppengine(cfg: Config): Promise<void> {
  // pantavisor reads PV_* settings from its environment (config_parser.c), pv-appengine reaps its band
  const env = cfg.loopIndexBase !== undefined ? { PV_LOOP_INDEX_BASE: String(cfg.loopIndexBase) } : undefined;
  const r = await bootHooks(cfg, 'starting pv-appengine').boot.startAppengine({ outFile: cfg.appengineOut, env });
  if (r.exitCode !== 0) throw new EnvironmentError(`starting pv-appengine failed: ${r.stderr.trim()}`);
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

/** make up: the target made and pv-appengine started under the run lock, then the boot awaited; returns the exit status. */
export async function up(cfg: Config): Promise<number> {
  const { driver, boot } = bootHooks(cfg, 'up');
  say(colors.bold(`up: ${cfg.container} from ${cfg.image} (target: ${cfg.targetLabel})`));
  const release = acquireRunLock(cfg, `up-${stamp()}`);
  try {
    await boot.create({ runId: `up-${stamp()}` });
    await startAppengine(cfg);
  } finally {
    release();
  }
  const w = await waitBootSettled(cfg);
  if (!w.ok) {
    say(colors.red(`not settled after ${(w.elapsedMs / 1000).toFixed(1)} s; ${terminalSafe(String(w.lastSeen))}`));
    say(`the ${driver.description} is left running: make shell / make logs / make down`);
    return 1;
  }
  say(colors.green(`boot settled after ${(w.elapsedMs / 1000).toFixed(1)} s`));
  return 0;
}
