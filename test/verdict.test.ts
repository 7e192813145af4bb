import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStatus, failsRun, requiredCapabilities, scenarioStatus, skipReason, withStatus } from '../lib/judge/verdict.ts';
import type { CheckResult } from '../lib/judge/evaluate.ts';
import type { Scenario } from '../lib/plan/scenarios.ts';

// the failure of these checks (nft-masquerade): two identical rules
const issue = { summary: 'one more masquerade rule per launch', seenIn: 'pantavisor 303584a7', failure: { count: { eq: 2 } } };
const r = (id: string, pass: boolean, matching = 2): CheckResult => ({
  id,
  scenario: 's',
  step: 'boot',
  kind: 'nft-masquerade',
  pass,
  expected: 'e',
  actual: 'a',
  ...(pass ? {} : { observed: { matching, partial: 0 } }),
});
const scen = (over: Partial<Scenario> = {}): Scenario => ({ id: 's', title: 't', purpose: 'p', artifacts: ['a'], steps: [], ...over });

test('checkStatus: own known issue → xfail/xpass; a scenario issue only turns failures into xfail', () => {
  assert.equal(checkStatus(true), 'pass');
  assert.equal(checkStatus(false), 'fail');
  assert.equal(checkStatus(false, issue), 'xfail');
  assert.equal(checkStatus(true, issue), 'xpass');
  assert.equal(checkStatus(false, undefined, issue), 'xfail');
  assert.equal(checkStatus(true, undefined, issue), 'pass');
  // an intermittent issue (a race) that did not show: a plain pass, not "looks fixed"
  assert.equal(checkStatus(true, { ...issue, intermittent: true }), 'pass');
  assert.equal(checkStatus(false, { ...issue, intermittent: true }), 'xfail');
});

test('withStatus + scenarioStatus', () => {
  const plain = scen();
  const none = () => undefined;
  assert.equal(scenarioStatus(withStatus([r('a', true)], plain, none), plain), 'passed');
  assert.equal(scenarioStatus(withStatus([r('a', true), r('b', false)], plain, none), plain), 'failed');
  const own = (id: string) => (id === 'b' ? issue : undefined);
  const xf = withStatus([r('a', true), r('b', false)], plain, own);
  assert.deepEqual(xf.map((x) => x.status), ['pass', 'xfail']);
  assert.equal(xf[1].knownIssue, issue);
  assert.equal(xf[0].knownIssue, undefined);
  assert.equal(scenarioStatus(xf, plain), 'xfail');
  assert.equal(scenarioStatus(withStatus([r('a', true), r('b', true)], plain, own), plain), 'xpass');
  assert.equal(scenarioStatus(withStatus([r('a', false), r('b', false)], plain, own), plain), 'failed', 'a plain failure wins');
  // a scenario's known issue explains the checks it names; its other checks still fail
  const withIssue = scen({ knownIssue: { summary: issue.summary, seenIn: issue.seenIn, checks: ['b'], failures: { b: issue.failure } } });
  const sx = withStatus([r('a', true), r('b', false)], withIssue, none);
  assert.deepEqual(sx.map((x) => x.status), ['pass', 'xfail']);
  assert.equal(scenarioStatus(sx, withIssue), 'xfail');
  assert.equal(scenarioStatus(withStatus([r('a', true), r('b', true)], withIssue, none), withIssue), 'xpass');
  const other = withStatus([r('a', false), r('b', false)], withIssue, none);
  assert.deepEqual(other.map((x) => x.status), ['fail', 'xfail']);
  assert.equal(scenarioStatus(other, withIssue), 'failed');
});

test('failsRun, requiredCapabilities, skipReason', () => {
  assert.deepEqual(['passed', 'failed', 'xfail', 'xpass', 'skipped', 'error'].map((s) => failsRun(s as never, false)), [false, true, false, false, false, false]);
  assert.deepEqual(['passed', 'failed', 'xfail', 'xpass', 'skipped'].map((s) => failsRun(s as never, true)), [false, true, true, true, false]);
  assert.deepEqual([...requiredCapabilities(' isolation,iptables  x ')], ['isolation', 'iptables', 'x']);
  assert.deepEqual([...requiredCapabilities(undefined)], []);
  assert.equal(
    skipReason('isolation', 'isolation absent: open both ways', [{ ...r('t5-a', false), actual: '0% packet loss' }]),
    'requires isolation: isolation absent: open both ways (t5-a: 0% packet loss)',
  );
});

test('a known issue cannot XPASS in a step whose other checks failed: UNJUDGED, naming the failed precondition', () => {
  // relaunch on an image without pgrep: pantavisor was never killed, rel-second-ready fails, and
  // the one-masquerade-rule check passes only because there was no second launch
  const own = (id: string) => (id === 'rel-one-masquerade' ? issue : undefined);
  const at = (id: string, pass: boolean, step = 'after-relaunch') => ({ ...r(id, pass), step });
  const res = withStatus([at('rel-baseline-ip', true, 'baseline'), at('rel-second-ready', false), at('rel-one-masquerade', true)], scen(), own);
  assert.deepEqual(res.map((x) => x.status), ['pass', 'fail', 'unjudged']);
  assert.match(res[2].notJudged!, /after-relaunch.*precondition \(rel-second-ready\)/);
  assert.equal(scenarioStatus(res, scen()), 'failed');
  // a failure in another step is not this step's precondition; an XFAIL of another issue neither
  const other = withStatus([at('rel-baseline-ip', false, 'baseline'), at('rel-one-masquerade', true)], scen(), own);
  assert.deepEqual(other.map((x) => x.status), ['fail', 'xpass']);
  const two = (id: string) => (id === 'a' || id === 'b' ? issue : undefined);
  assert.deepEqual(withStatus([at('a', false), at('b', true)], scen(), two).map((x) => x.status), ['xfail', 'xpass']);
  // a check already unjudged (its step's action failed) stays so
  const pre = { ...at('rel-one-masquerade', true), status: 'unjudged' as const, notJudged: 'action failed' };
  assert.deepEqual(withStatus([pre], scen(), own).map((x) => [x.status, x.notJudged]), [['unjudged', 'action failed']]);
});

test('a known issue excuses only its own failure: XFAIL when what the check saw matches `failure`, else FAIL saying what it expects', () => {
  const own = (id: string) => (id === 'b' ? issue : undefined);
  // no rule at all, three rules, or no observation (nft-ruleset.txt missing): not the issue's two rules
  for (const observed of [{ matching: 0, partial: 0 }, { matching: 3, partial: 0 }, { matching: 2, partial: 1 }, undefined]) {
    const res = withStatus([{ ...r('b', false), observed }], scen(), own);
    assert.equal(res[0].status, 'fail', JSON.stringify(observed));
    assert.match(res[0].actual, /^a; not the known issue's failure \(exactly 2 matching rule\(s\)\)$/);
    assert.equal(res[0].knownIssue, undefined);
    assert.equal(scenarioStatus(res, scen()), 'failed');
  }
  // the observation is the verdict's: not kept in the result (report.json)
  assert.equal('observed' in withStatus([r('b', false)], scen(), own)[0], false);
  // a known issue without a failure excuses nothing
  const bare = (id: string) => (id === 'b' ? { summary: 's', seenIn: 'x' } : undefined);
  assert.equal(withStatus([r('b', false)], scen(), bare)[0].status, 'fail');
  // unreadable evidence stays an ERROR
  assert.equal(withStatus([{ ...r('b', false), error: true }], scen(), own)[0].status, 'error');
  // a scenario's issue: each check by its own entry of `failures`
  const withIssue = scen({ knownIssue: { summary: 's', seenIn: 'x', checks: ['a', 'b'], failures: { a: { count: { eq: 2 } }, b: { count: { ge: 5 } } } } });
  assert.deepEqual(withStatus([r('a', false), r('b', false)], withIssue, () => undefined).map((x) => x.status), ['xfail', 'fail']);
});

test("a scenario's intermittent known issue: all passing is PASSED, not XPASS; a matching failure XFAIL", () => {
  const race = scen({ knownIssue: { summary: 's', seenIn: 'x', intermittent: true, checks: ['b'], failures: { b: { count: { eq: 2 } } } } });
  const none = () => undefined;
  assert.equal(scenarioStatus(withStatus([r('a', true), r('b', true)], race, none), race), 'passed');
  assert.equal(scenarioStatus(withStatus([r('a', true), r('b', false)], race, none), race), 'xfail');
  assert.equal(scenarioStatus(withStatus([r('a', true), r('b', false, 0)], race, none), race), 'failed');
});

test('a version gate (scenario expected only since a ref, on an older version) excuses any failure of its checks; the same issue without the gate does not', () => {
  const none = () => undefined;
  const gate = { summary: 'not in this version: expected only since 99e2fbad', seenIn: 'history', checks: ['a', 'b'], beforeSince: '99e2fbad' };
  const gated = scen({ knownIssue: gate });
  const st = withStatus([r('a', false, 0), r('b', false, 7)], gated, none);
  assert.deepEqual(st.map((x) => x.status), ['xfail', 'xfail']);
  // the same scenario issue written by hand, with no failure described: FAIL, saying so
  const { beforeSince: _b, ...bare } = gate;
  const plain = withStatus([r('a', false, 0)], scen({ knownIssue: bare }), none);
  assert.equal(plain[0].status, 'fail');
  assert.match(plain[0].actual, /describes no failure/);
});
