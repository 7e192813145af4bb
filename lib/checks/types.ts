/** What every check evaluator takes and returns. */
import { FILES, revisionLogFileName, type StepState } from '../bundle/bundle.ts';
import type { PvLog } from '../parse/pv-log.ts';
import type { LxcRow } from '../parse/lxc-ls.ts';

export interface EvalContext {
  /** state of every step gathered so far, by step id */
  steps: Record<string, StepState>;
  /** the step the check belongs to */
  step: string;
}

export interface Outcome {
  pass: boolean;
  expected: string;
  actual: string;
  /** a failure no wait can undo: pantavisor.log only grows, so a line that is there stays */
  final?: boolean;
  /** the evidence could not be read (quoted in `actual`): the check is not judged, it is an ERROR of the run */
  error?: boolean;
  /** on a failure: what the check saw, in the terms its kind's known-issue failure is matched against (kind.ts KnownFailure) */
  observed?: unknown;
}

export function current(ctx: EvalContext): StepState {
  return ctx.steps[ctx.step];
}

export function lxcRow(state: StepState, container: string): LxcRow | undefined {
  return state.lxc.find((r) => r.name === container);
}

/**
 * The containers lxc-ls -f lists in a state other than STOPPED: for every "not running" check,
 * RUNNING, STARTING, FROZEN, STOPPING, ABORTING, ... all count as running (the parser refuses a
 * state lxc-ls does not print).
 */
export function notStopped(state: StepState): LxcRow[] {
  return state.lxc.filter((r) => r.state !== 'STOPPED');
}

/** "lxc-ls -f: a RUNNING 10.0.5.2; b STOPPED -" or why there is nothing to show. */
export function describeLxc(state: StepState): string {
  if (state.unreadable['lxc-ls.txt']) return state.unreadable['lxc-ls.txt'];
  if (state.missing.includes('lxc-ls.txt')) return 'lxc-ls.txt missing';
  if (state.lxc.length === 0) return 'lxc-ls -f lists no containers';
  return 'lxc-ls -f: ' + state.lxc.map((r) => `${r.name} ${r.state} ${r.ipv4.join(',') || '-'}`).join('; ');
}

/** "pantavisor.log" or "locals/x's log": how `actual` names the log a check reads. */
export function logName(revision?: string): string {
  return revision === undefined || revision === '0' ? FILES.log : `${revision}'s log`;
}

/**
 * The log a check reads: pantavisor.log (LOG_FILE, rev 0), or with `revision` that revision's
 * pantavisor-<rev>.log; or why it is not there ("pantavisor.log missing").
 */
export function logOf(state: StepState, revision?: string): { log: PvLog; missing?: undefined } | { log?: undefined; missing: string } {
  const file = revisionLogFileName(revision);
  if (file === FILES.log) return state.missing.includes(FILES.log) ? { missing: `${FILES.log} missing` } : { log: state.log };
  const log = revision === undefined ? undefined : state.revisionLogs[revision];
  return log ? { log } : { missing: `${file} missing` };
}
