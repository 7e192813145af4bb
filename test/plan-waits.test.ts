/**
 * Named waits (scenarios.json `waits`, a name in a step's waitFor): resolved once, at load, so
 * the plan the toolkit runs is the one it ran before they existed. The fixture
 * test/fixtures/plan/scenarios-before.json is scenarios.json as it was with every condition
 * copied inline (1,042 lines); today's file must resolve to exactly the same plan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePlan, resolveWaits, type WrittenPlanFile } from '../lib/plan/scenarios.ts';
import { planMarkdown } from '../lib/plan/plan-markdown.ts';
import { UsageError } from '../lib/tooling/errors.ts';

const read = (p: string) => readFileSync(new URL(p, import.meta.url), 'utf8');
const schemaText = read('../scenarios.schema.json');
const planText = read('../scenarios.json');
const beforeText = read('fixtures/plan/scenarios-before.json');

test('scenarios.json with named waits resolves to the plan of before them (deep-equal, key order too), and the same document', () => {
  const now = parsePlan(planText, schemaText);
  const before = parsePlan(beforeText, schemaText);
  assert.deepStrictEqual(now, before);
  assert.equal(JSON.stringify(now), JSON.stringify(before));
  assert.equal(planMarkdown(now), planMarkdown(before));
  assert.ok(!('waits' in now), 'the resolved plan has no waits left');
  assert.ok(JSON.parse(planText).waits['boot-settled'], 'scenarios.json names its shared waits');
  assert.ok(!planText.includes('"id": "boot-settled"', planText.indexOf('"scenarios"')), 'boot-settled is written once, in waits');
});

test('each step gets its own copy of a named wait', () => {
  const plan = parsePlan(planText, schemaText);
  const [a, b] = plan.scenarios.slice(0, 2).map((s) => s.steps[0].waitFor[0]);
  assert.equal(a.id, 'boot-settled');
  assert.deepEqual(a, b);
  assert.notEqual(a, b);
});

/** A small written plan: one scenario of the real file, its first step's waitFor as given. */
function written(waitFor: unknown[], waits?: unknown): string {
  const p = JSON.parse(planText);
  const s = p.scenarios[0];
  s.steps[0].waitFor = waitFor;
  p.scenarios = [s];
  if (waits === undefined) delete p.waits;
  else p.waits = waits;
  return JSON.stringify(p);
}
const settled = { id: 'boot-settled', kind: 'log-contains', line: { text: 'READY' } };
const running = { id: 'server-running', kind: 'container-state', container: 'pv-example-net-server', state: 'RUNNING' };

test('names and inline conditions mix in order; a name holds one or more conditions', () => {
  const plan = parsePlan(written(['boot', { ...running, id: 'own' }], { boot: [settled, running] }), schemaText);
  assert.deepEqual(plan.scenarios[0].steps[0].waitFor.map((c) => c.id), ['boot-settled', 'server-running', 'own']);
});

test('an unknown name, an unused named wait and a bad named condition are usage errors, one line each', () => {
  assert.throws(() => parsePlan(written(['boot-setled'], { 'boot-settled': [settled] }), schemaText), (e: Error) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.message, "scenarios.json: Test 1 step 'boot' waits for 'boot-setled', which is not in waits (boot-settled)");
    return true;
  });
  assert.throws(() => parsePlan(written(['boot-settled']), schemaText), /waits for 'boot-settled', which is not in waits \(none\)$/);
  assert.throws(() => parsePlan(written([settled], { 'boot-settled': [settled] }), schemaText), /^Error: scenarios.json: waits 'boot-settled' is named by no step's waitFor; remove it$/);
  assert.throws(
    () => parsePlan(written(['boot-settled'], { 'boot-settled': [{ ...running, state: 'DANCING' }] }), schemaText),
    /scenarios.json\/waits\/boot-settled\/0\/state: must be equal to one of the allowed values/,
  );
  assert.throws(() => parsePlan(written(['boot-settled'], { 'boot-settled': [] }), schemaText), /scenarios.json\/waits\/boot-settled: must NOT have fewer than 1 items/);
  assert.throws(() => parsePlan(written(['Boot Settled'], { 'boot-settled': [settled] }), schemaText), /scenarios.json\/scenarios\/0\/steps\/0\/waitFor\/0: must match pattern/);
  assert.throws(() => parsePlan(written([{ ...running, state: 'DANCING' }]), schemaText), /scenarios.json\/scenarios\/0\/steps\/0\/waitFor\/0\/state: must be equal to one of the allowed values/);
  // a `waits` object holding the name "constructor" or "__proto__" is not a lookup of Object's own
  assert.throws(() => parsePlan(written(['constructor'], { 'boot-settled': [settled] }), schemaText), /waits for 'constructor', which is not in waits/);
});

test('resolveWaits on its own: the written plan is left as it was', () => {
  const w = JSON.parse(written(['boot-settled'], { 'boot-settled': [settled] })) as WrittenPlanFile;
  const copy = structuredClone(w);
  const plan = resolveWaits(w);
  assert.deepEqual(plan.scenarios[0].steps[0].waitFor, [settled]);
  assert.deepEqual(w, copy);
});

test('the plan is validated against lib/plan/plan-schema.ts, so a broken scenarios.schema.json cannot stop make plan from rewriting it', () => {
  assert.deepStrictEqual(parsePlan(planText), parsePlan(planText, schemaText));
  assert.throws(() => parsePlan(written(['boot-setled'], { 'boot-settled': [settled] })), /waits for 'boot-setled', which is not in waits/);
});
