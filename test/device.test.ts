/**
 * lib/device/*: a scenario on a running device (issue 25), offline, on real samples of the dev
 * appengine of pantavisor 303584a7 (test/samples/device/: `pvtx show` after `pvtx begin current`,
 * the state script's output on the baseline) and the plan itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deviceFormOf, deviceRevisionName, formLine, onDevice, UNMARKED } from '../lib/device/form.ts';
import { describeState, failedLine, installOutcome, notBackOn, parseState, stateScript } from '../lib/device/state.ts';
import { canonicalJson, commitBaselineCommands, deviceJsonOf, installCommands, partsOf, partsToRemove, readState, sameDeviceJson } from '../lib/device/update-plan.ts';
import { rollbackPointLine } from '../lib/run/device-run.ts';
import { parsePlan } from '../lib/plan/scenarios.ts';

const sample = (p: string) => readFileSync(new URL(`./samples/device/${p}`, import.meta.url), 'utf8');
const MARK = '@@PVIPAM-0@@';
const plan = parsePlan(readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8'));
const scenario = (id: string) => plan.scenarios.find((s) => s.id === id)!;

test('the plan tests 1-4 and 6-9 run on a device; 7 and 8 as their TESTING/ROLLBACK form; the others are skipped with a reason', () => {
  const forms = Object.fromEntries(plan.scenarios.map((s) => [s.id, deviceFormOf(s)]));
  for (const id of ['1', '2', '3', '4', '6', '9']) assert.deepEqual(forms[id], { form: 'update' }, id);
  for (const id of ['7', '8']) assert.equal((forms[id] as { form: string }).form, 'testing-rollback', id);
  for (const [id, f] of Object.entries(forms)) {
    if (!['1', '2', '3', '4', '6', '7', '8', '9'].includes(id)) assert.ok('skip' in f && f.skip.length > 20, `${id} skipped with a reason`);
  }
  assert.match(formLine(forms['7'])!, /^run as its TESTING\/ROLLBACK form on a device: .*STATE_ROLLBACK/);
  assert.equal(formLine(forms['1']), undefined);
  assert.deepEqual(deviceFormOf({ ...scenario('1'), device: undefined }), { skip: UNMARKED });
});

test('a device revision is unique per run and a name pvtx commit takes', () => {
  assert.equal(deviceRevisionName('7', new Date('2026-12-07T13:57:18.123Z')), 'locals/pv-ipam-tests-7-20261207-135718');
  assert.match(deviceRevisionName('pool-exhaustion', new Date()), /^locals\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
});

test("onDevice: revision 0's READY line in a wait names the device's revision; other checks stay as written", () => {
  const rev = 'locals/pv-ipam-tests-1-20261207-135607';
  const s = onDevice(scenario('1'), rev);
  const wait = s.steps[0].waitFor[0] as { line: { regex: string } };
  assert.ok(new RegExp(wait.line.regex).test(`state revision '${rev}' status is now READY`));
  assert.ok(!new RegExp(wait.line.regex).test("state revision '0' status is now READY"), 'revision 0 no longer counts');
  assert.ok(new RegExp(wait.line.regex).test('a platform did not work as expected. Tearing down...'));
  assert.deepEqual(s.steps[0].checks, scenario('1').steps[0].checks);
});

test("onDevice: Test 7's replace checks stand in for the same ids, naming the installed revision; a replace id the scenario lacks is exit 2", () => {
  const rev = 'locals/pv-ipam-tests-7-20261207-135718';
  const s = onDevice(scenario('7'), rev);
  const byId = Object.fromEntries(s.steps[0].checks.map((c) => [c.id, c]));
  assert.deepEqual(Object.keys(byId), scenario('7').steps[0].checks.map((c) => c.id), 'same ids, same order');
  assert.equal(byId['t7-no-container-running'].kind, 'update-progress');
  assert.equal((byId['t7-no-container-running'] as { revision: string }).revision, rev);
  assert.match(JSON.stringify(byId['t7-state-reboot']), /STATE_ROLLBACK/);
  assert.deepEqual(scenario('7').steps[0].waitFor.map((c) => c.id), ['boot-settled', 'teardown-finished']);
  assert.deepEqual(s.steps[0].waitFor.map((c) => c.id), ['boot-settled'], 'the rollback ends the revision: its teardown wait goes');
  assert.deepEqual(onDevice(scenario('6'), rev).steps.map((st) => st.waitFor.length), scenario('6').steps.map((st) => st.waitFor.length), 'an update form keeps its waits');
  assert.deepEqual(byId['t7-log-refusal-sequence'], scenario('7').steps[0].checks.find((c) => c.id === 't7-log-refusal-sequence'));
  const bad = { ...scenario('7'), device: { form: 'testing-rollback' as const, why: 'x', replace: [{ ...byId['t7-state-reboot'], id: 't7-nope' }] } };
  assert.throws(() => onDevice(bad, rev), (e: Error & { exitCode?: number }) => /t7-nope/.test(e.message) && e.exitCode === 2);
});

test('update plan: the real baseline revision holds one container; it is removed, the exports added, committed and run', () => {
  const st = readState(sample('pvtx-show-baseline.json'));
  assert.ok(st.state);
  assert.deepEqual(partsOf(st.state!), ['pv-example-net-server']);
  assert.deepEqual(partsToRemove(st.state!), ['pv-example-net-server']);
  const cmds = installCommands(['pv-example-net-server'], ['/a/x.pvrexport.tgz'], 'locals/r');
  assert.deepEqual(cmds.map((c) => c.argv.join(' ')), ['pvtx remove pv-example-net-server', 'pvtx add -', 'pvtx commit locals/r', 'pvcontrol cmd run locals/r']);
  assert.equal(cmds[1].stdinFrom, '/a/x.pvrexport.tgz');
});

test("update plan: a board's BSP stays, its containers and device.json go (synthetic keys of a board revision)", () => {
  const board = {
    '#spec': 'pantavisor-service-system@1',
    'bsp/run.json': {},
    'bsp/kernel.img': 'ab',
    '_sigs/bsp.json': {},
    '_hostconfig/x': 'cd',
    'device.json': {},
    'pvr-sdk/run.json': {},
    '_config/pvr-sdk/a': 'ef',
  };
  assert.deepEqual(partsToRemove(board), ['device.json', 'pvr-sdk']);
  assert.deepEqual(readState('ERROR: show: no active transaction').problem?.startsWith('pvtx show did not print a state JSON'), true);
  assert.match(readState('{"a":1}').problem!, /#spec/);
});

test('device state: the real baseline output is revision 0, its containers and progress', () => {
  const s = parseState(sample('state-baseline.txt'), MARK, '0');
  assert.equal(s.revision, '0');
  assert.deepEqual(s.containers.map((c) => [c.name, c.state, c.ipv4]), [['pv-example-net-client', 'STOPPED', []], ['pv-example-net-server', 'RUNNING', ['10.0.3.1', '10.0.5.1', '198.51.100.2']]]);
  assert.equal(s.progress?.status, 'DONE');
  assert.deepEqual(s.problems, []);
  assert.equal(describeState(s), 'revision 0; pv-example-net-client STOPPED, pv-example-net-server RUNNING 10.0.3.1,10.0.5.1,198.51.100.2; progress DONE "Factory revision"');
  assert.match(stateScript('/storage', 10, MARK, 'locals/x'), /readlink \/storage\/logs\/current; .*timeout -k 2 10 lxc-ls -f; .*pvcontrol steps show-progress locals\/x; true$/);
});

test('device state: pvcontrol not answering during a relaunch is a problem, not a progress', () => {
  const text = sample('state-baseline.txt').replace(/\{"status".*\n/, 'ERROR: got no response\n');
  const s = parseState(text, MARK, '0');
  assert.equal(s.progress, undefined);
  assert.deepEqual(s.problems, ['pvcontrol steps show-progress 0: ERROR: got no response']);
});

test('back on the baseline: same revision, every RUNNING container RUNNING with the addresses it had (more is allowed); anything else is said', () => {
  const base = parseState(sample('state-baseline.txt'), MARK);
  assert.deepEqual(notBackOn(base, base), []);
  const moreIps = { ...base, containers: base.containers.map((c) => ({ ...c, ipv4: [...c.ipv4, '10.0.7.1'] })) };
  assert.deepEqual(notBackOn(base, moreIps), []);
  const other = { ...base, revision: 'locals/pv-ipam-tests-1-x', containers: [{ ...base.containers[1], state: 'STOPPED' }] };
  assert.deepEqual(notBackOn(base, other), ["running revision locals/pv-ipam-tests-1-x, not the baseline's 0", 'pv-example-net-server STOPPED']);
  const lost = { ...base, containers: [{ ...base.containers[1], ipv4: ['10.0.3.1'] }] };
  assert.deepEqual(notBackOn(base, lost), ['pv-example-net-server without 10.0.5.1, 198.51.100.2 (has 10.0.3.1)']);
  assert.deepEqual(notBackOn(base, { containers: [], problems: ['x'] }), ["running revision ?, not the baseline's 0", 'pv-example-net-server not listed']);
});

test('install outcome: DONE on the revision; ERROR once another revision runs (the rollback point); nothing final yet', () => {
  const rev = 'locals/r';
  const p = (status: string) => ({ status, logsText: '' });
  assert.deepEqual(installOutcome(rev, { revision: rev, containers: [], problems: [], progress: p('DONE') }), { done: true, ran: true, rolledBack: false });
  assert.deepEqual(installOutcome(rev, { revision: '0', containers: [], problems: [], progress: p('DONE') }), { done: false }, 'DONE of a revision not running yet');
  assert.deepEqual(installOutcome(rev, { revision: rev, containers: [], problems: [], progress: p('TESTING') }), { done: false });
  assert.deepEqual(installOutcome(rev, { revision: rev, containers: [], problems: [], progress: p('ERROR') }), { done: false }, 'refused, not rolled back yet');
  assert.deepEqual(installOutcome(rev, { revision: 'locals/earlier', containers: [], problems: [], progress: p('ERROR'), rolledBackReady: true }), { done: true, ran: false, rolledBack: true });
  assert.deepEqual(
    installOutcome(rev, { revision: '0', containers: [], problems: [], progress: p('ERROR'), rolledBackReady: false }),
    { done: false },
    'another revision, its READY after the rollback not seen yet',
  );
  assert.deepEqual(installOutcome(rev, { containers: [], problems: ['unreachable'] }), { done: false });
});

test("the rollback is over when the running revision's log has its READY after `setting failed revision REV` (real lines, 303584a7)", () => {
  const rev = 'locals/pv-ipam-tests-7-20261207-140049';
  const earlier = 'locals/pv-ipam-tests-1-20261207-135607';
  const log = [
    `[pantavisor] 10730 INFO\t -- [state]: (pv_state_set_status:556) state revision '${earlier}' status is now READY`,
    `[pantavisor] 10939 INFO\t -- [bootloader]: (pv_bootloader_fail_update:247) setting failed revision ${rev} not to be started after next reboot`,
  ];
  const ready = `[pantavisor] 10940 INFO\t -- [state]: (pv_state_set_status:556) state revision '${earlier}' status is now READY`;
  const out = (lines: string[]) =>
    `${MARK} current\n${earlier}\n${MARK} lxc\n${MARK} progress\n{"status":"ERROR","status-msg":"A container could not be started","progress":100,"retries":0}\n${MARK} rollback\n${
      lines.join('\n')
    }\n`;
  assert.equal(failedLine(rev), `setting failed revision ${rev} not to be started after next reboot`);
  assert.equal(parseState(out(log), MARK, rev, rev).rolledBackReady, false, 'READY of an earlier boot only');
  const s = parseState(out([...log, ready]), MARK, rev, rev);
  assert.equal(s.rolledBackReady, true);
  assert.deepEqual(installOutcome(rev, s), { done: true, ran: false, rolledBack: true });
  assert.match(
    stateScript('/storage', 10, MARK, rev, rev),
    /grep -F -e 'setting failed revision locals\/pv-ipam-tests-7-20261207-140049 not to be started after next reboot' -e 'status is now READY' \/storage\/logs\/current\/pantavisor\/pantavisor.log/,
  );
});

test('DEVICE_RESTORE=commit: the baseline trail begun, committed as a new revision and run-commit (a reboot even when its state is the running one)', () => {
  assert.deepEqual(commitBaselineCommands('/storage/', '0', 'locals/pv-ipam-tests-baseline-20261207-170000').map((c) => c.argv.join(' ')), [
    'pvtx begin /storage/trails/0',
    'pvtx commit locals/pv-ipam-tests-baseline-20261207-170000',
    'pvcontrol cmd run-commit locals/pv-ipam-tests-baseline-20261207-170000',
  ]);
  assert.equal(commitBaselineCommands('/storage', 'locals/board-7', 'r')[0].argv[2], '/storage/trails/locals/board-7');
});

test('the rollback-point line names the baseline the device runs and the test revision a reboot boots', () => {
  const line = rollbackPointLine('locals/pv-ipam-tests-9-20261207-170000', '0');
  assert.match(line, /runs its baseline 0, but its rollback point \(the revision a reboot boots\) is now locals\/pv-ipam-tests-9-20261207-170000/);
});

test("an install from an earlier test's revision reboots only when device.json changes: compared canonically, `none` without one, unreadable counts as the same", () => {
  const ipam = { network: { pools: { internal: { subnet: '10.0.5.0/24', gateway: '10.0.5.1', nat: true } } } };
  const next = deviceJsonOf([{ 'pv-example-net-server/run.json': {} }, { 'device.json': ipam }]);
  assert.equal(next, canonicalJson(ipam));
  assert.equal(deviceJsonOf([{ 'a/run.json': {} }]), 'none');
  // the same pools, keys in another order, as the device prints the file
  assert.equal(sameDeviceJson('{"network":{"pools":{"internal":{"nat":true,"gateway":"10.0.5.1","subnet":"10.0.5.0/24"}}}}\n', next), true);
  assert.equal(sameDeviceJson(JSON.stringify({ network: { pools: { internal: { ...ipam.network.pools.internal, subnet: '10.0.6.0/24' } } } }), next), false);
  assert.equal(sameDeviceJson('none\n', next), false, 'a baseline without device.json: the install reboots');
  assert.equal(sameDeviceJson('none\n', 'none'), true);
  assert.equal(sameDeviceJson('', next), true, 'unreadable: the device is returned first');
  assert.equal(sameDeviceJson('{"network":', next), true);
});
