/**
 * The check kinds of updates (issue 16): update-progress, update-logs, running-revision, and the
 * `revision` of the log kinds. Judged on real outputs: the lab's (test/samples/updates/lab) and
 * observed §11/§12's lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { progressFileName, stateFromFiles, type StepState } from '../lib/bundle.ts';
import { evaluateCheck, evidenceCommand, kindOf, type CheckBase } from '../lib/checks/index.ts';
import { describeCondition } from '../lib/plan-markdown.ts';
import { parsePlan } from '../lib/scenarios.ts';
import type { Check } from '../lib/scenarios.ts';

const sample = (name: string) => readFileSync(new URL(`./samples/updates/lab/${name}`, import.meta.url), 'utf8');
const schemaText = readFileSync(new URL('../scenarios.schema.json', import.meta.url), 'utf8');
const planText = readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8');

const PATHS = { container: 'pva-test', logFile: '/var/pantavisor/storage/logs/0/pantavisor/pantavisor.log', deviceJsonFile: '/var/pantavisor/storage/trails/0/device.json' };

function judge(check: Record<string, unknown>, st: StepState) {
  return evaluateCheck({ id: 'c', ...check } as CheckBase, { steps: { update: st }, step: 'update' });
}

/** scenarios.json with one more check on Test 1's boot: parsePlan's verdict on it. */
function withCheck(check: Record<string, unknown>): () => unknown {
  const plan = JSON.parse(planText);
  plan.scenarios[0].steps[0].checks.push({ id: 'extra-check', ...check });
  return () => parsePlan(JSON.stringify(plan), schemaText);
}

const progressOf = (rev: string, sampleName: string, rc?: number) => stateFromFiles({
  ...(sampleName ? { [progressFileName(rev)]: sample(sampleName) } : {}),
  ...(rc !== undefined ? { 'exit-status.json': JSON.stringify({ [progressFileName(rev)]: rc }) } : {}),
});

// ---------------------------------------------------------------- update-progress

test('update-progress: the lab statuses, one or a list, with status-msg', () => {
  const updated = progressOf('locals/add-client', 'progress-UPDATED.json');
  const c = { kind: 'update-progress', revision: 'locals/add-client', status: 'UPDATED' };
  assert.deepEqual(judge(c, updated), {
    pass: true,
    expected: 'locals/add-client: status UPDATED',
    actual: 'UPDATED "Update finished, revision not set as rollback point" (progress 100)',
  });
  assert.equal(judge({ ...c, status: ['UPDATED', 'DONE', 'ERROR'] }, updated).pass, true);
  assert.equal(judge({ ...c, statusMsg: 'Update finished, revision not set as rollback point' }, updated).pass, true);
  const msg = judge({ ...c, statusMsg: 'Update finished, revision set as rollback point' }, updated);
  assert.deepEqual([msg.pass, msg.final, msg.expected], [false, true, 'locals/add-client: status UPDATED with status-msg "Update finished, revision set as rollback point"']);
  // a final status that is not the expected one stays: failed for good
  const done = judge({ ...c, status: 'DONE' }, updated);
  assert.deepEqual([done.pass, done.final], [false, true]);
  const error = judge({ kind: 'update-progress', revision: 'locals/bad-pool', status: 'UPDATED' }, progressOf('locals/bad-pool', 'progress-ERROR.json'));
  assert.deepEqual([error.pass, error.final, error.actual], [false, true, 'ERROR "A container could not be started" (progress 100)']);
  // on the way: TESTING, NEW are not final
  for (const s of ['progress-TESTING.json', 'progress-NEW.json']) {
    const o = judge(c, progressOf('locals/add-client', s));
    assert.deepEqual([o.pass, o.final, o.error], [false, undefined, undefined], s);
  }
  assert.equal(judge({ ...c, status: 'TESTING' }, progressOf('locals/add-client', 'progress-TESTING.json')).actual, 'TESTING "Awaiting to see if update is stable" (progress 75)');
  // rev 0 (the factory revision)
  assert.equal(judge({ kind: 'update-progress', revision: '0', status: 'DONE', statusMsg: 'Factory revision' }, progressOf('0', 'progress-0.json')).pass, true);
});

test('update-progress: pvcontrol exit 255 is "not yet" (no error, not final); 127, a timeout or no status JSON are errors', () => {
  const c = { kind: 'update-progress', revision: 'locals/add-client', status: ['UPDATED', 'DONE', 'ERROR'] };
  // what the gather keeps of the lab's `pvcontrol steps show-progress` while pantavisor relaunches: no output, exit 255
  const relaunching = judge(c, progressOf('locals/add-client', '', 255));
  assert.deepEqual(relaunching, {
    pass: false,
    expected: 'locals/add-client: status one of UPDATED, DONE, ERROR',
    actual: 'pvcontrol steps show-progress locals/add-client exited 255 (pantavisor not answering)',
  });
  // with its empty line of output too
  assert.equal(judge(c, stateFromFiles({ [progressFileName('locals/add-client')]: '\n', 'exit-status.json': '{"progress-locals+add-client.json":255}' })).error, undefined);
  for (const [rc, why] of [[127, /command not found \(exit 127\)/], [124, /killed by its timeout/], [126, /not executable/]] as const) {
    const o = judge(c, progressOf('locals/add-client', '', rc));
    assert.deepEqual([o.pass, o.error], [false, true], String(rc));
    assert.match(o.actual, why);
  }
  const garbage = judge(c, stateFromFiles({ [progressFileName('locals/add-client')]: sample('progress-unknown.stderr') }));
  assert.deepEqual([garbage.pass, garbage.error], [false, true]);
  assert.match(garbage.actual, /not understood \(no string "status"\)/);
  // not gathered at all
  assert.deepEqual(judge(c, stateFromFiles({})), { pass: false, expected: 'locals/add-client: status one of UPDATED, DONE, ERROR', actual: 'progress-locals+add-client.json missing' });
});

test('update-progress: files, evidence, the plan\'s wording, the schema', () => {
  const c = { id: 'u', kind: 'update-progress', revision: 'locals/add-client', status: ['UPDATED', 'DONE', 'ERROR'] } as Check;
  const k = kindOf('update-progress')!;
  assert.deepEqual(k.files(c), ['progress-locals+add-client.json']);
  assert.equal(evidenceCommand(c, PATHS), 'docker exec pva-test pvcontrol steps show-progress locals/add-client');
  assert.equal(evidenceCommand(c, { ...PATHS, gather: { 'progress-locals+add-client.json': 'cat /p.json' } }), "docker exec pva-test sh -c 'cat /p.json'");
  assert.equal(describeCondition(c), '`pvcontrol steps show-progress locals/add-client` reports a status of `UPDATED`, `DONE` or `ERROR` (while pantavisor relaunches pvcontrol exits 255: not yet)');
  assert.equal(describeCondition({ ...c, status: 'DONE', statusMsg: 'Update finished, revision set as rollback point' } as Check),
    '`pvcontrol steps show-progress locals/add-client` reports status `DONE` with status-msg `Update finished, revision set as rollback point` (while pantavisor relaunches pvcontrol exits 255: not yet)');
  withCheck({ kind: 'update-progress', revision: 'locals/add-client', status: 'UPDATED' })();
  withCheck({ kind: 'update-progress', revision: '0', status: ['DONE'], statusMsg: 'Factory revision' })();
  assert.throws(withCheck({ kind: 'update-progress', revision: 'locals/add-client', status: 'FINISHED' }), /status/);
  assert.throws(withCheck({ kind: 'update-progress', revision: 'locals/a+b', status: 'DONE' }), /revision/);
  assert.throws(withCheck({ kind: 'update-progress', revision: 'remotes/x', status: 'DONE' }), /revision/);
  assert.throws(withCheck({ kind: 'update-progress', revision: 'locals/x', status: [] }), /status/);
  assert.throws(withCheck({ kind: 'update-progress', status: 'DONE' }), /revision/);
});
