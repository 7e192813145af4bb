import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStateCheck } from '../lib/checks/container-state.ts';
import type { LogContainsCheck } from '../lib/checks/log-contains.ts';
import type { TeardownFinishedCheck } from '../lib/checks/teardown-finished.ts';
import type { Check } from '../lib/plan/scenarios.ts';
import { eventPattern, eventTime, overheadRow, pingSeconds } from '../lib/tooling/overhead.ts';
import { parsePvLog } from '../lib/parse/pv-log.ts';
import type { Scenario } from '../lib/plan/scenarios.ts';
import type { ScenarioReport } from '../lib/report/model.ts';

const L = (t: number, mod: string, msg: string) => `[pantavisor] ${t} INFO\t -- [${mod}]: (f:1) ${msg}`;
const READY = "state revision '0' status is now READY";
const boot: LogContainsCheck = { id: 'boot-settled', kind: 'log-contains', line: { regex: "^state revision '0' status is now READY$" } };
const running: ContainerStateCheck = { id: 'r', kind: 'container-state', container: 'pv-a', state: 'RUNNING' };
const TEARING_DOWN = 'a platform did not work as expected. Tearing down...';
const tear: TeardownFinishedCheck = { id: 'teardown-finished', kind: 'teardown-finished', line: { module: 'controller', text: TEARING_DOWN } };
/** a pantavisor.log of these lines */
const logOf = (...lines: string[]) => parsePvLog(lines.join('\n') + '\n');

test('eventPattern: log conditions and container states', () => {
  assert.deepEqual(eventPattern({ ...boot, count: { ge: 2 } }), { pattern: boot.line, nth: 2 });
  assert.deepEqual(eventPattern(running), { pattern: { module: 'platforms', text: "platform 'pv-a' status is now STARTED" }, nth: 1 });
  assert.equal(eventPattern({ id: 'x', kind: 'ping-loss' } as Check), undefined);
});

test('eventTime: the line after the previous step, placed mid-second', () => {
  const log = logOf(L(100, 'platforms', "platform 'pv-a' status is now STARTED"), L(100, 'state', READY), L(108, 'platforms', "platform 'pv-a' status is now STARTED"));
  assert.equal(eventTime([boot], log, 95.2), 100.5);
  // the kill came in second 100, after line 2: the container's next STARTED is the one at 108
  assert.equal(eventTime([running], log, 100.7, 2), 108.5);
  // a line of the trigger's own second was written after the trigger: between it and the second's end
  assert.equal(eventTime([running], log, 100.6, 0), 100.8);
  assert.equal(eventTime([running], log, 100.7, 3), undefined);
});

test('pingSeconds: per container one after another, containers in parallel; a lost ping waits PING_WAIT', () => {
  const pings = [{ from: 'a', to: 'x' }, { from: 'a', to: 'y' }, { from: 'b', to: 'x' }];
  assert.equal(pingSeconds(pings, (p) => (p.to === 'x' ? 100 : 0), 1), 3);
  assert.equal(pingSeconds([], () => 0, 1), 0);
});

test('overheadRow: toolkit − target − commands (docker, pings, the re-check window of a failing step)', () => {
  const scenario = { id: '1', title: 't', purpose: 'p', artifacts: ['a'], steps: [{ id: 'boot', waitFor: [boot], checks: [] }] } as unknown as Scenario;
  const log = parsePvLog(L(104, 'state', READY) + '\n');
  const report = { id: '1', status: 'passed', checks: [], clock: { scenarioStart: 99, dockerStart: 99.5, dockerEnd: 100, appengineStart: 100, verdict: 105.5 } } as unknown as ScenarioReport;
  const r = overheadRow(scenario, report, { boot: log }, () => 0, 1);
  assert.equal(r.targetS, 4.5);
  assert.equal(r.commandsS, 0.5);
  assert.equal(r.overheadS, 1.5);
  assert.equal(r.miss, true);
  const failing = { ...report, checks: [{ step: 'boot', pass: false }] } as unknown as ScenarioReport;
  const f = overheadRow(scenario, failing, { boot: log }, () => 0, 1, 3);
  assert.equal(f.commandsS, 3.5);
  assert.equal(f.miss, false);
  // a failure no wait can undo is judged at once: no window budgeted for it
  const final = { ...report, checks: [{ step: 'boot', pass: false, final: true }] } as unknown as ScenarioReport;
  assert.equal(overheadRow(scenario, final, { boot: log }, () => 0, 1, 3).commandsS, 0.5);
  assert.equal(overheadRow(scenario, report, {}, () => 0, 1).overheadS, undefined, 'no log: unknown');
});

test('overheadRow: a scenario skipped before any appengine started has nothing to measure (iptables-fallback on an image without iptables)', () => {
  const scenario = { id: 'x', title: 't', purpose: 'p', artifacts: ['a'], steps: [{ id: 'boot', waitFor: [boot], checks: [] }] } as unknown as Scenario;
  const skipped = { id: 'x', status: 'skipped', checks: [], clock: { scenarioStart: 4993.42, dockerStart: 4993.44, dockerEnd: 4994.56, verdict: 4994.56 } } as unknown as ScenarioReport;
  const r = overheadRow(scenario, skipped, {}, () => 0, 1);
  assert.equal(r.notBooted, true);
  assert.equal(r.miss, false);
  assert.equal(r.overheadS, undefined);
  // skipped after a boot (Test 5 reads its skip evidence live): measured as any other
  const booted = { ...skipped, clock: { ...skipped.clock, appengineStart: 4994.56, verdict: 5000 } } as unknown as ScenarioReport;
  assert.notEqual(overheadRow(scenario, booted, { boot: parsePvLog(L(4999, 'state', READY) + '\n') }, () => 0, 1).notBooted, true);
});

test('eventTime: a teardown-finished condition is reached at the latest of its teardown, force stops and the next launch written by the time it was seen (observed §13), or at once without a teardown', () => {
  const settled: LogContainsCheck = { id: 'boot-settled', kind: 'log-contains', line: { module: 'controller', text: TEARING_DOWN } };
  const log = logOf(
    L(100, 'logserver', 'starting logserver loop'),
    L(103, 'controller', TEARING_DOWN),
    L(108, 'state', "platform 'pv-a' did not exit after lenient stop, force stopping"),
    L(110, 'logserver', 'starting logserver loop'),
    L(111, 'platforms', "force stopping platform 'pv-b'"),
  );
  assert.equal(eventTime([settled], log, 99.2), 103.5);
  assert.equal(eventTime([settled, tear], log, 99.2), 108.5);
  const noTeardown = logOf(L(100, 'state', READY));
  assert.equal(eventTime([boot, tear], noTeardown, 95.2), 100.5);
  // seen reached at 110.4: the next launch (110) had begun, a container outlived the teardown (a race)
  assert.equal(eventTime([settled, tear], log, 99.2, 0, 110.4), 110.5);
  // seen at 108.9: the force stop is the latest line written by then
  assert.equal(eventTime([settled, tear], log, 99.2, 0, 108.9), 108.5);
  // seen at 103.6 (nothing was running): the teardown line itself, not the later lines
  assert.equal(eventTime([settled, tear], log, 99.2, 0, 103.6), 103.5);
  const nothingRan = logOf(L(103, 'controller', TEARING_DOWN));
  assert.equal(eventTime([tear], nothingRan, 99.2), 103.5);
});

test('eventTime: the polls narrow the second: after the last round that did not see it began, before the one that saw it ended', () => {
  const log = logOf(L(100, 'state', READY));
  assert.equal(eventTime([boot], log, 95.2), 100.5);
  // the round that began at 100.6 did not see READY; the next, ended at 100.9, did
  assert.equal(eventTime([boot], log, 95.2, 0, 100.9, { notBefore: 100.6, notAfter: 100.9 }), 100.75);
  // only the upper end known (the first round saw it)
  assert.equal(eventTime([boot], log, 95.2, 0, 100.4, { notAfter: 100.4 }), 100.2);
  // a window that contradicts the second (another clock) is not used
  assert.equal(eventTime([boot], log, 95.2, 0, 102, { notBefore: 101.2, notAfter: 102 }), 100.5);
});

test('overheadRow: a step placed by its polls counts only what passed after the state was reached', () => {
  const scenario = { id: 'x', title: 'x', steps: [{ id: 'boot', waitFor: [boot] }] } as unknown as Scenario;
  const log = logOf(L(104, 'state', READY));
  const report = {
    id: 'x',
    status: 'passed',
    checks: [],
    clock: { scenarioStart: 99, dockerStart: 99, dockerEnd: 100, appengineStart: 100, 'unready:boot': 104.5, 'ready:boot': 104.9, verdict: 105.2 },
  } as unknown as ScenarioReport;
  const row = overheadRow(scenario, report, { boot: log }, () => undefined, 1);
  // target: 100 -> 104.7 (the middle of 104.5..104.9); commands: the docker second; overhead 0.5
  assert.equal(Number(row.targetS!.toFixed(2)), 4.7);
  assert.equal(Number(row.overheadS!.toFixed(2)), 0.5);
});

test('eventTime: when the next launch is torn down too, the teardown reached is the last one written by then (pool-exhaustion, 2026-12-04)', () => {
  const log = logOf(
    L(2512, 'logserver', 'starting logserver loop'),
    L(2517, 'controller', TEARING_DOWN),
    L(2522, 'logserver', 'starting logserver loop'),
    L(2522, 'controller', TEARING_DOWN),
    L(2527, 'platforms', "leniently stopping platform 'pv-example-net-client'"),
    L(2532, 'platforms', "force stopping platform 'pv-example-net-client'"),
  );
  // seen at 2532.6: the second launch's teardown ended with its force stop
  assert.equal(eventTime([tear], log, 2513, 0, 2532.6), 2532.5);
  // seen at 2522.3: the relaunch and its teardown were written by then, nothing after: the second teardown's own line
  assert.equal(eventTime([tear], log, 2513, 0, 2522.3), 2522.5);
});
