// make bisect's git side (scripts/shared/bisect-git.ts) on a throwaway repository whose commits
// say their own verdict in a file: the answer in both directions, a step that "does not build"
// skipped (never blamed), and the user's repository untouched: its HEAD, index, refs, its
// uncommitted and staged changes, no bisect state and no worktree entry left in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { StepKind } from '../lib/bisect.ts';
import { bisectLoop, cloneFor, git, type Judged } from '../lib/run/bisect-git.ts';

function sh(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** A repository with one commit per verdict ('pass' | 'fail' | 'nobuild'); returns the commits. */
function repo(dir: string, verdicts: string[]): string[] {
  sh(dir, 'init', '-q', '-b', 'main');
  return verdicts.map((v, i) => {
    writeFileSync(`${dir}/verdict`, `${v}\n`);
    writeFileSync(`${dir}/n`, `${i}\n`);
    sh(dir, 'add', 'verdict', 'n');
    sh(dir, 'commit', '-q', '-m', `c${i} ${v}`);
    return sh(dir, 'rev-parse', 'HEAD');
  });
}

/** Everything of the user's repository that bisect must not change. */
function userState(dir: string): string {
  const h = createHash('sha256');
  h.update(sh(dir, 'rev-parse', 'HEAD'));
  h.update(sh(dir, 'symbolic-ref', '-q', 'HEAD'));
  h.update(sh(dir, 'for-each-ref'));
  h.update(sh(dir, 'status', '--porcelain'));
  h.update(readFileSync(`${dir}/.git/index`));
  h.update(readFileSync(`${dir}/verdict`));
  return h.digest('hex');
}

/** A step judged from the clone's checked-out file, as the real one is from its build and test. */
const fakeStep = (clone: string, n = { i: 0 }) => async (commit: string, subject: string, role: string): Promise<Judged> => {
  const v = readFileSync(`${clone}/verdict`, 'utf8').trim();
  const kind: StepKind = v === 'nobuild' ? 'skip' : v === 'pass' ? 'pass' : 'fail';
  const check = { id: 'c', scenario: 't', step: 'boot', kind: 'x', pass: kind === 'pass', status: kind === 'pass' ? 'pass' as const : 'fail' as const, expected: '', actual: '' };
  return {
    n: ++n.i,
    commit,
    subject,
    role,
    outcome: { kind, why: v === 'nobuild' ? 'did not build: fixture' : v },
    mark: '-',
    buildSecs: 0,
    testSecs: 0,
    dir: '',
    report: kind === 'skip' ? undefined : { id: 't', title: 't', status: kind === 'pass' ? 'passed' : 'failed', durationMs: 0, timings: {}, waits: [], checks: [check] },
  };
};

function withRepos(f: (user: string, clone: string) => Promise<void>) {
  return async () => {
    const base = mkdtempSync(`${tmpdir()}/pv-bisect-test-`);
    try {
      await f(`${base}/user`, `${base}/clone`);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  };
}

test(
  'a regression: the first failing commit; the step that does not build is skipped; the user repository untouched',
  withRepos(async (user, clone) => {
    spawnSync('mkdir', [user]);
    const c = repo(user, ['pass', 'pass', 'nobuild', 'pass', 'fail', 'fail', 'fail']);
    // the user's own work in progress: a staged and an unstaged change, on a branch
    sh(user, 'checkout', '-q', '-b', 'wip', c[1]);
    writeFileSync(`${user}/verdict`, 'staged\n');
    sh(user, 'add', 'verdict');
    writeFileSync(`${user}/verdict`, 'unstaged\n');
    const before = userState(user);
    cloneFor(user, clone);
    const r = await bisectLoop({ src: user, good: c[0], bad: c[6], direction: 'regression' }, clone, fakeStep(clone));
    assert.equal(r.kind, 'found');
    if (r.kind !== 'found') return;
    assert.equal(r.found, c[4]);
    assert.equal(r.subject, 'c4 fail');
    assert.deepEqual(r.flips, [{ id: 'c', step: 'boot', from: 'pass', to: 'fail' }]);
    assert.equal(r.against, c[0]);
    assert.equal(r.steps[0].role, 'GOOD end');
    assert.equal(userState(user), before);
    assert.ok(!existsSync(`${user}/.git/BISECT_LOG`) && !existsSync(`${user}/.git/worktrees`) && !existsSync(`${user}/.git/refs/bisect`));
    assert.equal(sh(user, 'rev-parse', '--abbrev-ref', 'HEAD'), 'wip');
  }),
);

test(
  'a fix (BAD older than GOOD): the first commit where the test passes',
  withRepos(async (user, clone) => {
    spawnSync('mkdir', [user]);
    const c = repo(user, ['fail', 'fail', 'fail', 'pass', 'pass', 'pass']);
    const before = userState(user);
    cloneFor(user, clone);
    const r = await bisectLoop({ src: user, good: c[5], bad: c[0], direction: 'fix' }, clone, fakeStep(clone));
    assert.equal(r.kind, 'found');
    assert.equal(r.kind === 'found' && r.found, c[3]);
    // a fix: the flips are against the failing side (the last step marked good, c2 or an older one)
    assert.ok(r.kind === 'found' && [c[0], c[1], c[2]].includes(r.against));
    assert.deepEqual(r.kind === 'found' && r.flips, [{ id: 'c', step: 'boot', from: 'fail', to: 'pass' }]);
    assert.equal(userState(user), before);
  }),
);

test(
  'only skipped commits left: the candidates, not a blamed commit; a GOOD end that fails stops at once',
  withRepos(async (user, clone) => {
    spawnSync('mkdir', [user]);
    const c = repo(user, ['pass', 'nobuild', 'nobuild', 'fail']);
    cloneFor(user, clone);
    const r = await bisectLoop({ src: user, good: c[0], bad: c[3], direction: 'regression' }, clone, fakeStep(clone));
    assert.equal(r.kind, 'only-skipped');
    if (r.kind === 'only-skipped') assert.deepEqual(r.candidates.map((x) => x.commit).sort(), [c[1], c[2], c[3]].sort());
    assert.ok(r.steps.some((s) => s.outcome.kind === 'skip' && s.mark === 'skip'));
    const clone2 = `${clone}2`;
    cloneFor(user, clone2);
    const g = await bisectLoop({ src: user, good: c[3], bad: c[0], direction: 'fix' }, clone2, fakeStep(clone2));
    assert.equal(g.kind, 'good-end-fails');
    assert.equal(g.steps.length, 1);
    assert.equal(git(clone2, ['bisect', 'log']).status !== 0, true);
  }),
);
