// make bisect's pure logic (lib/tooling/bisect.ts): the mark of each outcome in both directions, a step
// that did not build or boot is a skip (never blamed), git bisect's answers as git 2.39 prints
// them, and the checks that flipped between the GOOD end and the commit found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bisectState, flippedChecks, markFor, onlyOneTest, stepLine, stepOutcome } from '../lib/tooling/bisect.ts';
import type { CheckResult } from '../lib/judge/evaluate.ts';
import type { ScenarioReport } from '../lib/report/model.ts';

const check = (id: string, status: CheckResult['status'], step = 'boot'): CheckResult => ({
  id,
  scenario: '8',
  step,
  kind: 'log-contains',
  pass: status === 'pass' || status === 'xpass',
  status,
  expected: 'e',
  actual: 'a',
});
const scenario = (status: ScenarioReport['status'], checks: CheckResult[], extra: Partial<ScenarioReport> = {}): ScenarioReport => ({
  id: '8',
  title: 't',
  status,
  durationMs: 1,
  timings: {},
  waits: [],
  checks,
  ...extra,
});

test('markFor: a regression marks a pass good; a fix (BAD older) marks a failure good, so the first bad commit is the first that passes', () => {
  assert.equal(markFor('pass', 'regression'), 'good');
  assert.equal(markFor('fail', 'regression'), 'bad');
  assert.equal(markFor('fail', 'fix'), 'good');
  assert.equal(markFor('pass', 'fix'), 'bad');
  assert.equal(markFor('skip', 'regression'), 'skip');
  assert.equal(markFor('skip', 'fix'), 'skip');
});

test('stepOutcome: no build, no report, a skipped scenario and an ERROR (did not boot) are skips, never a failure', () => {
  assert.deepEqual(stepOutcome({ ok: false, line: 'dev/build-image.sh: failed: cmake' }, undefined), { kind: 'skip', why: 'did not build: dev/build-image.sh: failed: cmake' });
  assert.equal(stepOutcome({ ok: true }, undefined).kind, 'skip');
  assert.equal(stepOutcome({ ok: true }, scenario('skipped', [], { skip: { capability: 'iptables', reason: 'requires iptables', evidence: [] } })).why, 'skipped: requires iptables');
  const dnb = stepOutcome({ ok: true }, scenario('error', [], { error: 'did not boot: not ready after 90 s (last seen: no pantavisor.log)' }));
  assert.equal(dnb.kind, 'skip');
  assert.match(dnb.why, /^did not boot/);
});

test('stepOutcome: a failed or XFAIL check fails the step (the behaviour, whatever a known issue says); XPASS passes; unjudged checks do not count', () => {
  assert.deepEqual(stepOutcome({ ok: true }, scenario('passed', [check('a', 'pass'), check('b', 'pass')])), { kind: 'pass', why: '2 checks passed' });
  assert.deepEqual(stepOutcome({ ok: true }, scenario('failed', [check('a', 'pass'), check('b', 'fail')])), { kind: 'fail', why: '1 of 2 checks failed: b' });
  assert.equal(stepOutcome({ ok: true }, scenario('xfail', [check('a', 'xfail'), check('b', 'pass')])).kind, 'fail');
  assert.equal(stepOutcome({ ok: true }, scenario('xpass', [check('a', 'xpass'), check('b', 'pass')])).kind, 'pass');
  assert.deepEqual(stepOutcome({ ok: true }, scenario('failed', [check('a', 'unjudged'), check('b', 'fail')])), { kind: 'fail', why: '1 of 1 checks failed: b' });
  assert.equal(stepOutcome({ ok: true }, scenario('passed', [check('a', 'unjudged')])).kind, 'skip');
});

test('bisectState: still bisecting, the first bad commit, or only skipped commits left (git 2.39 output)', () => {
  assert.deepEqual(bisectState('Bisecting: 1 revision left to test after this (roughly 1 step)\n[99e2fbad2310e86a2e027c1162a365bf56f30b08] feat(ipam): refuse\n'), { done: false });
  const found = '99e2fbad2310e86a2e027c1162a365bf56f30b08 is the first bad commit\ncommit 99e2fbad2310e86a2e027c1162a365bf56f30b08\nAuthor: x\n\n    feat(ipam): refuse\n';
  assert.deepEqual(bisectState(found), { done: true, first: '99e2fbad2310e86a2e027c1162a365bf56f30b08' });
  const skipped =
    "There are only 'skip'ped commits left to test.\nThe first bad commit could be any of:\na37aaa0aebc3ea1572006e146a51fa3e9e9ade5e\n99e2fbad2310e86a2e027c1162a365bf56f30b08\nWe cannot bisect more!\n";
  assert.deepEqual(bisectState(skipped), { done: true, candidates: ['a37aaa0aebc3ea1572006e146a51fa3e9e9ade5e', '99e2fbad2310e86a2e027c1162a365bf56f30b08'] });
});

test('flippedChecks: only the checks whose verdict differs, with a check only one side has as absent', () => {
  const good = [check('a', 'pass'), check('b', 'pass'), check('c', 'fail'), check('gone', 'pass')];
  const found = [check('a', 'pass'), check('b', 'fail'), check('c', 'xpass'), check('new', 'xfail', 'restart')];
  assert.deepEqual(flippedChecks(good, found), [
    { id: 'b', step: 'boot', from: 'pass', to: 'fail' },
    { id: 'c', step: 'boot', from: 'fail', to: 'pass' },
    { id: 'gone', step: 'boot', from: 'pass', to: 'absent' },
    { id: 'new', step: 'restart', from: 'absent', to: 'fail' },
  ]);
  assert.deepEqual(flippedChecks(good, good), []);
});

test('onlyOneTest: exactly one id', () => {
  assert.equal(onlyOneTest(' 8 '), '8');
  assert.throws(() => onlyOneTest(undefined), /ONLY is not set/);
  assert.throws(() => onlyOneTest('8 9'), /one test at a time/);
});

test('stepLine: a skipped step is shown as SKIPPED with why', () => {
  const line = stepLine({
    n: 2,
    commit: 'a37aaa0aebc3ea1572006e146a51fa3e9e9ade5e',
    subject: 'fix(ipam): keep',
    role: 'step',
    outcome: { kind: 'skip', why: 'did not build: x' },
    mark: 'skip',
    buildSecs: 12,
    testSecs: 0,
    dir: '/r',
  });
  assert.match(line, /^ 2 {2}a37aaa0a {2}fix\(ipam\): keep +SKIPPED {2}build {2}12 s {2}test {3}0 s {2}did not build: x$/);
});
