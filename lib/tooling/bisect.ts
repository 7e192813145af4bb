/**
 * `make bisect`'s logic, pure: which end is older and what the question is, what a step's build
 * and test say (pass, fail, or skip when it did not build or boot), how git bisect is told, what
 * git bisect answered, and which checks flipped between the GOOD end and the commit found.
 *
 * git bisect runs with its own terms good/bad, which here mean the OLDER end's verdict and the
 * other one: for a regression (GOOD is the ancestor) a passing step is `good`; for a fix (BAD is
 * the ancestor: "which commit fixed it") a failing step is `good`, and the first `bad` commit is
 * the first one where the test passes.
 */
import type { CheckResult } from '../judge/evaluate.ts';
import type { ScenarioReport } from '../report/model.ts';

/** regression: GOOD is older, the answer is the first commit that fails; fix: BAD is older, the first that passes. */
export type Direction = 'regression' | 'fix';

export type StepKind = 'pass' | 'fail' | 'skip';

export interface StepOutcome {
  kind: StepKind;
  /** one line: why (the failed checks, or why the step could not be judged) */
  why: string;
}

/** What git bisect is told for an outcome: the older end's verdict is `good`. */
export function markFor(outcome: StepKind, direction: Direction): 'good' | 'bad' | 'skip' {
  if (outcome === 'skip') return 'skip';
  const olderVerdict: StepKind = direction === 'regression' ? 'pass' : 'fail';
  return outcome === olderVerdict ? 'good' : 'bad';
}

/** The question bisect answers, for its first and last lines. */
export function question(direction: Direction, test: string): string {
  return direction === 'regression' ? `which commit broke Test ${test} (the first where it fails)` : `which commit fixed Test ${test} (the first where it passes)`;
}

/** A judged check that did not pass (fail or xfail: the behaviour, whatever a known issue says of it). */
export function failedCheck(c: CheckResult): boolean {
  const st = c.status ?? (c.pass ? 'pass' : 'fail');
  return st === 'fail' || st === 'xfail';
}

/**
 * A step's outcome. Skip: it did not build (the build's last line), no report, the scenario was
 * skipped (a capability absent) or could not run (ERROR, e.g. it did not boot). Otherwise the
 * behaviour: fail when a judged check failed (a known issue's XFAIL too: bisect asks what the
 * target does, not how the plan excuses it), pass when every judged check passed.
 */
export function stepOutcome(build: { ok: boolean; line?: string }, report: ScenarioReport | undefined): StepOutcome {
  if (!build.ok) return { kind: 'skip', why: `did not build: ${build.line ?? 'the build failed'}` };
  if (!report) return { kind: 'skip', why: 'the test wrote no report' };
  if (report.status === 'skipped') return { kind: 'skip', why: `skipped: ${report.skip?.reason ?? 'a capability is absent'}` };
  if (report.status === 'error') return { kind: 'skip', why: report.error ? oneLine(report.error) : 'ERROR: the test could not run' };
  const judged = report.checks.filter((c) => c.status !== 'unjudged' && c.status !== 'error');
  if (!judged.length) return { kind: 'skip', why: 'no check was judged' };
  const failed = judged.filter(failedCheck);
  if (failed.length) return { kind: 'fail', why: `${failed.length} of ${judged.length} checks failed: ${failed.map((c) => c.id).join(', ')}` };
  return { kind: 'pass', why: `${judged.length} checks passed` };
}

function oneLine(text: string): string {
  const first = text.split('\n')[0];
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}

export type BisectState =
  | { done: false }
  | { done: true; first: string }
  | { done: true; candidates: string[] };

/**
 * What git bisect said after a mark: still bisecting, the first bad commit, or only skipped
 * commits left (the candidates it names).
 */
export function bisectState(output: string): BisectState {
  const first = output.match(/^([0-9a-f]{40}) is the first bad commit$/m);
  if (first) return { done: true, first: first[1] };
  if (/There are only 'skip'ped commits left to test\./.test(output)) {
    const after = output.split(/The first bad commit could be any of:\n/)[1] ?? '';
    const candidates = after.split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40}$/.test(l));
    return { done: true, candidates };
  }
  return { done: false };
}

export interface Flip {
  id: string;
  step: string;
  /** at the GOOD end */
  from: string;
  /** at the commit found */
  to: string;
}

function verdictOf(c: CheckResult): string {
  return failedCheck(c) ? 'fail' : c.status === 'unjudged' || c.status === 'error' ? c.status : 'pass';
}

/** The checks whose verdict differs between the GOOD end and the commit found (a check only one has: "absent"). */
export function flippedChecks(goodEnd: CheckResult[], found: CheckResult[]): Flip[] {
  const key = (c: CheckResult) => `${c.step}\u0000${c.id}`;
  const a = new Map(goodEnd.map((c) => [key(c), c]));
  const b = new Map(found.map((c) => [key(c), c]));
  const flips: Flip[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    const from = x ? verdictOf(x) : 'absent';
    const to = y ? verdictOf(y) : 'absent';
    if (from !== to) flips.push({ id: (x ?? y)!.id, step: (x ?? y)!.step, from, to });
  }
  return flips;
}

/** ONLY for bisect: exactly one test id (bisect answers for one test at a time). */
export function onlyOneTest(only: string | undefined): string {
  const ids = (only ?? '').split(/[\s,]+/).filter(Boolean);
  if (ids.length === 0) throw new Error('ONLY is not set: make bisect needs the one test to bisect (ONLY=8)');
  if (ids.length > 1) throw new Error(`ONLY names ${ids.length} tests (${ids.join(' ')}): make bisect bisects one test at a time`);
  return ids[0];
}

export interface StepRecord {
  n: number;
  commit: string;
  subject: string;
  /** 'good end' | 'bad end' | 'step' */
  role: string;
  outcome: StepOutcome;
  mark: 'good' | 'bad' | 'skip' | '-';
  buildSecs: number;
  testSecs: number;
  dir: string;
}

/** One line per step for the closing table: commit, subject, verdict (SKIPPED with why), times. */
export function stepLine(s: StepRecord): string {
  const verdict = s.outcome.kind === 'skip' ? 'SKIPPED' : s.outcome.kind === 'pass' ? 'PASS' : 'FAIL';
  const subject = s.subject.length > 50 ? `${s.subject.slice(0, 49)}…` : s.subject;
  return `${String(s.n).padStart(2)}  ${s.commit.slice(0, 8)}  ${subject.padEnd(50)}  ${verdict.padEnd(7)}  build ${s.buildSecs.toFixed(0).padStart(3)} s  test ${
    s.testSecs.toFixed(0).padStart(3)
  } s  ${s.role === 'step' ? '' : `(${s.role}) `}${s.outcome.why}`;
}
