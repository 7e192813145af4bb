/**
 * make bisect's git side: a private clone of the user's tree (git clone --shared --no-checkout:
 * the user's checkout, HEAD, index and refs are only read) and the git bisect loop over it, each
 * step judged by a function given (lib/run/bisect.ts builds and tests; test/bisect-git.test.ts
 * judges by a file of the commit). The clone and its bisect state are removed by the caller.
 */
import { spawnSync } from 'node:child_process';
import { type BisectState, bisectState, type Direction, type Flip, flippedChecks, markFor, type StepRecord } from '../bisect.ts';
import { EnvironmentError } from '../errors.ts';
import type { ScenarioReport } from '../report/model.ts';

export function git(dir: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export interface BisectRange {
  src: string;
  good: string;
  bad: string;
  direction: Direction;
}

/** A step as judged: its record, and the scenario report its checks came from (if it ran). */
export type Judged = StepRecord & { report?: ScenarioReport };

/** Builds and tests the commit checked out in the clone (`role`: GOOD end, BAD end or step). */
export type RunStep = (commit: string, subject: string, role: string) => Promise<Judged>;

export type BisectResult =
  | { kind: 'good-end-fails'; steps: Judged[] }
  | { kind: 'good-end-unjudged'; steps: Judged[] }
  | { kind: 'found'; steps: Judged[]; found: string; subject: string; against: string; flips: Flip[] }
  | { kind: 'only-skipped'; steps: Judged[]; candidates: { commit: string; subject: string }[] };

export function cloneFor(src: string, clone: string): void {
  const c = spawnSync('git', ['clone', '--quiet', '--shared', '--no-checkout', src, clone], { encoding: 'utf8' });
  if (c.status !== 0) throw new EnvironmentError(`git clone of ${src} failed: ${(c.stderr ?? '').trim().split('\n').pop()}`);
}

/**
 * The GOOD end first (it must pass: its checks are what the answer is compared with), then git
 * bisect between the older and the newer end, each step marked good/bad/skip (lib/bisect.ts
 * markFor); the newer end, never built by git bisect, is run when it is the answer.
 */
export async function bisectLoop(range: BisectRange, clone: string, runStep: RunStep, onStep: (s: Judged) => void = () => {}): Promise<BisectResult> {
  const steps: Judged[] = [];
  const subjectOf = (c: string) => git(clone, ['log', '-1', '--format=%s', c]).stdout.trim();
  const at = async (commit: string, role: string, mark: boolean): Promise<Judged> => {
    const co = git(clone, ['checkout', '--quiet', '--detach', commit]);
    if (co.status !== 0) throw new EnvironmentError(`git checkout ${commit.slice(0, 12)} in the clone failed: ${co.stderr.trim()}`);
    const s = await runStep(commit, subjectOf(commit), role);
    if (mark) s.mark = markFor(s.outcome.kind, range.direction);
    steps.push(s);
    return s;
  };
  const goodEnd = await at(range.good, 'GOOD end', false);
  onStep(goodEnd);
  if (goodEnd.outcome.kind === 'skip') return { kind: 'good-end-unjudged', steps };
  if (goodEnd.outcome.kind === 'fail') return { kind: 'good-end-fails', steps };
  const [older, newer] = range.direction === 'regression' ? [range.good, range.bad] : [range.bad, range.good];
  const start = git(clone, ['bisect', 'start', '--no-checkout', newer, older]);
  if (start.status !== 0) throw new EnvironmentError(`git bisect start failed: ${start.stderr.trim()}`);
  let state: BisectState = bisectState(start.stdout);
  while (!state.done) {
    // --no-checkout: git bisect names the next commit in BISECT_HEAD; the step checks it out itself
    const next = git(clone, ['rev-parse', 'BISECT_HEAD']).stdout.trim();
    const s = await at(next, 'step', true);
    onStep(s);
    const r = git(clone, ['bisect', s.mark, next]);
    state = bisectState(r.stdout);
    // (git bisect exits non-zero when only skipped commits are left: that is an answer too)
    if (r.status !== 0 && !state.done) throw new EnvironmentError(`git bisect ${s.mark} failed: ${r.stderr.trim()}`);
  }
  if ('candidates' in state) return { kind: 'only-skipped', steps, candidates: state.candidates.map((c) => ({ commit: c, subject: subjectOf(c) })) };
  const found = state.first;
  let judged = steps.find((s) => s.commit === found);
  if (!judged) {
    judged = await at(found, range.direction === 'regression' ? 'BAD end' : 'GOOD end', false);
    onStep(judged);
  }
  // what flipped: against the GOOD end for a regression; for a fix the GOOD end passes like the
  // answer, so against the failing side: the last step git was told was `good` (the older end's
  // verdict), else the BAD end itself, run for it
  let reference: Judged = goodEnd;
  if (range.direction === 'fix') {
    const older = steps.filter((s) => s.mark === 'good').at(-1);
    reference = older ?? await at(range.bad, 'BAD end', false);
    if (!older) onStep(reference);
  }
  return { kind: 'found', steps, found, subject: subjectOf(found), against: reference.commit, flips: flippedChecks(reference.report?.checks ?? [], judged.report?.checks ?? []) };
}
