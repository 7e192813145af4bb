/**
 * The toolkit's overhead per scenario, for `make bench`: its time to verdict next to the
 * target's own time (from the target's log), and what remains.
 *   toolkit   scenario start (stage) → verdict, on the host's uptime clock
 *   target    per step: trigger (pv-appengine started, or the step's command sent) → the log
 *             line that says the state was reached (READY, a teardown, `status is now STARTED`,
 *             ...: the step's waitFor conditions), by the line's timestamp
 *   commands  the plan's own docker commands (volume create, run, exec) and the pings, which
 *             take ~1 s each plus PING_WAIT when they get no reply, one after another per container;
 *             and, for a step that ends with a failing (or XFAIL) check, the SETTLE_STABLE window
 *             the toolkit re-checks for before it says FAIL (plus the pings of the round closing it);
 *             none for a failure no wait can undo (`final`: a log line that is there stays)
 *   overhead  toolkit − target − commands; a run misses its target above 1 s per scenario
 * pantavisor.log timestamps are whole seconds of the same clock (CLOCK_MONOTONIC, = the host's
 * uptime on a machine that never suspends), so each event is placed in the middle of the part of
 * its second that comes after the trigger (±0.5 s), narrowed by the step's polls: after the start
 * of the last round that did not see the state (`unready:<step>`), before the one that saw it
 * ended (`ready:<step>`).
 */
import { kindOf } from '../checks/index.ts';
import { findLines, type LogPattern } from '../log-match.ts';
import type { PvLog } from '../parse/pv-log.ts';
import type { ScenarioReport } from '../report/model.ts';
import type { Check, Ping, Scenario } from '../plan/scenarios.ts';

export interface OverheadRow {
  id: string;
  status: string;
  toolkitS: number;
  /** undefined when the log does not show when a step's state was reached */
  targetS?: number;
  commandsS: number;
  overheadS?: number;
  /** toolkit / (target + commands) */
  ratio?: number;
  miss: boolean;
  note?: string;
  /** skipped before any appengine started (a capability the image lacks): nothing of the target to measure */
  notBooted?: boolean;
}

/** The log pattern that marks a waitFor condition reached, and which match of it (1 = first). */
export function eventPattern(c: Check): { pattern: LogPattern; nth: number } | undefined {
  return kindOf(c.kind)?.logEvent?.(c);
}

/**
 * When the step's state was reached, by the log: the latest of its conditions' events, each the
 * first matching line written after the trigger (after line `afterLine`, the last line the
 * previous step saw; at or after the trigger's second), or the Nth overall for `count ge N`.
 */
export function eventTime(conditions: Check[], log: PvLog, trigger: number, afterLine = 0, seenAt?: number, polls?: PollWindow): number | undefined {
  // the latest event lies in the latest line's second, from the trigger on: [lo, hi]
  let lo = -Infinity;
  let hi = -Infinity;
  const place = (time: number) => {
    lo = Math.max(lo, time, trigger);
    hi = Math.max(hi, time + 1);
  };
  for (const c of conditions) {
    const own = kindOf(c.kind)?.eventLine;
    if (own) {
      // a kind no single line marks (teardown-finished): it says which line, or that it held at once
      const t = own(c, log, afterLine, seenAt);
      if (t === 'at-once') continue;
      if (t === undefined || t.time < Math.floor(trigger)) return undefined;
      place(t.time);
      continue;
    }
    const e = eventPattern(c);
    if (!e) return undefined;
    const lines = findLines(log.lines, e.pattern);
    const hit = e.nth > 1 ? lines[e.nth - 1] : lines.find((l) => l.lineNo > afterLine && l.time >= Math.floor(trigger));
    if (!hit || hit.time < Math.floor(trigger)) return undefined;
    // the line was written within its second and after the trigger
    place(hit.time);
  }
  if (hi === -Infinity) return undefined;
  // the toolkit's own polls narrow it: after the last round that did not see the state began,
  // before the round that saw it ended (a window that contradicts the seconds is not used)
  const from = Math.max(lo, polls?.notBefore ?? -Infinity);
  const to = Math.min(hi, polls?.notAfter ?? Infinity);
  // the middle of what is left
  return from <= to ? (from + to) / 2 : (lo + hi) / 2;
}

/** What a step's polls say of when its state was reached (host uptime, s). */
export interface PollWindow {
  /** the start of the last poll round that did not see it */
  notBefore?: number;
  /** the end of the round that saw it */
  notAfter?: number;
}

/** Seconds the pings of a step take: per container one after another, containers in parallel. */
export function pingSeconds(pings: Ping[], lossOf: (p: Ping) => number | undefined, pingWaitS: number): number {
  const per = new Map<string, number>();
  for (const p of pings) per.set(p.from, (per.get(p.from) ?? 0) + 1 + (lossOf(p) === 100 ? pingWaitS : 0));
  return Math.max(0, ...per.values());
}

export function overheadRow(
  scenario: Scenario,
  report: ScenarioReport,
  logs: Record<string, PvLog>,
  lossOf: (step: string, p: Ping) => number | undefined,
  pingWaitS: number,
  settleStableS = 3,
  budgetS = 1,
): OverheadRow {
  const clock = report.clock ?? {};
  const toolkitS = (clock.verdict ?? NaN) - (clock.scenarioStart ?? NaN);
  const dockerS = (clock.dockerEnd ?? 0) - (clock.dockerStart ?? 0);
  let targetS: number | undefined = 0;
  let pingsS = 0;
  let recheckS = 0;
  let note: string | undefined;
  let afterLine = 0;
  if (report.status === 'skipped' && clock.appengineStart === undefined) {
    return { id: scenario.id, status: report.status, toolkitS, commandsS: dockerS, miss: false, notBooted: true, note: 'skipped before the boot: nothing to measure' };
  }
  for (const [i, step] of scenario.steps.entries()) {
    if (report.status === 'skipped' && i > 0) break;
    const trigger = i === 0 ? clock.appengineStart : clock[`step:${step.id}`];
    const log = logs[step.id];
    // the round that saw the step ready may have been judged before the log line that marks it
    // was written: then the moment the toolkit saw it ready stands in for the event
    const seen = clock[`ready:${step.id}`];
    const polls = { notBefore: clock[`unready:${step.id}`], notAfter: seen };
    const at = trigger !== undefined && log ? eventTime(step.waitFor, log, trigger, afterLine, seen, polls) ?? seen : undefined;
    afterLine = log?.lines[log.lines.length - 1]?.lineNo ?? afterLine;
    if (report.checks.some((c) => c.step === step.id && !c.pass && !c.final)) recheckS += settleStableS;
    if (at === undefined || trigger === undefined) {
      targetS = undefined;
      note = `no log event for step ${step.id}`;
    } else if (targetS !== undefined) targetS += Math.max(0, at - trigger);
    pingsS += pingSeconds(step.pings ?? [], (p) => lossOf(step.id, p), pingWaitS);
  }
  const commandsS = dockerS + pingsS + recheckS;
  const overheadS = targetS === undefined || Number.isNaN(toolkitS) ? undefined : toolkitS - targetS - commandsS;
  const ratio = targetS === undefined || Number.isNaN(toolkitS) ? undefined : toolkitS / Math.max(0.001, targetS + commandsS);
  return { id: scenario.id, status: report.status, toolkitS, targetS, commandsS, overheadS, ratio, miss: overheadS !== undefined && overheadS > budgetS, note };
}
