/**
 * The check-kind registry (lib/checks/index.ts): every module in lib/checks/ is a complete kind,
 * scenarios.schema.json is written from the registry (lib/plan/plan-schema.ts), and a kind added as one module plus
 * its registration reaches the schema, gather, evidence, evaluation and the plan document.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { type CheckBase, type CheckKind, checkKinds, checkSchemaBranches, evaluateCheck, evidenceCommand, KINDS, registerKind } from '../lib/checks/index.ts';
import { current } from '../lib/checks/types.ts';
import { FILES, stateFromFiles } from '../lib/bundle/bundle.ts';
import { shellQuote as shq } from '../lib/tooling/shell-quote.ts';
import { filesFor, filesOfCheck, gatherScript } from '../lib/bundle/gather.ts';
import { describeCondition, planMarkdown } from '../lib/plan/plan-markdown.ts';
import { parsePlan, type PlanFile } from '../lib/plan/scenarios.ts';
import { planSchemaText } from '../lib/plan/plan-schema.ts';

const schemaText = readFileSync(new URL('../scenarios.schema.json', import.meta.url), 'utf8');
const planText = readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8');
const NOT_KINDS = ['index.ts', 'kind.ts', 'types.ts'];

test('every module in lib/checks/ is a registered kind named as its file, with every part', async () => {
  const modules = readdirSync(new URL('../lib/checks/', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.gen.ts') && !NOT_KINDS.includes(f));
  assert.deepEqual(modules.map((f) => f.replace(/\.ts$/, '')).sort(), KINDS.map((k) => k.kind).sort());
  for (const f of modules) {
    const { KIND } = await import(`../lib/checks/${f}`) as { KIND?: CheckKind };
    assert.ok(KIND, `lib/checks/${f} exports no KIND`);
    assert.equal(KIND.kind, f.replace(/\.ts$/, ''), `lib/checks/${f}`);
    for (const part of ['files', 'evaluate', 'evidence'] as const) assert.equal(typeof KIND[part], 'function', `${KIND.kind}: ${part}`);
    assert.equal(typeof KIND.schema?.properties, 'object', `${KIND.kind}: schema`);
    for (const r of KIND.schema.required ?? []) assert.ok(r in KIND.schema.properties, `${KIND.kind}: required '${r}' has no property`);
  }
});

test("scenarios.schema.json is lib/plan/plan-schema.ts's, its check branches the registry's (edit lib/checks/<kind>.ts, then make plan)", () => {
  assert.equal(schemaText, planSchemaText(), 'scenarios.schema.json is out of date; run make plan');
  const schema = JSON.parse(schemaText);
  const byKind = (bs: { properties: { kind: { const: string } } }[]) => Object.fromEntries(bs.map((b) => [b.properties.kind.const, b]));
  assert.deepEqual(byKind(schema.definitions.check.oneOf), byKind(checkSchemaBranches() as never));
  assert.deepEqual(schema.definitions.check.oneOf.map((b: { properties: { kind: { const: string } } }) => b.properties.kind.const), KINDS.map((k) => k.kind));
});

/** A toy kind, as a new module would define it: the container's hostname file says NAME. */
interface HostnameCheck extends CheckBase {
  kind: 'toy-hostname';
  container: string;
  name: string;
}
const TOY: CheckKind<HostnameCheck> = {
  kind: 'toy-hostname',
  schema: { properties: { container: { $ref: '#/definitions/name' }, name: { type: 'string' } }, required: ['container', 'name'] },
  files: () => [FILES.lxcLs],
  evaluate: (c, ctx) => {
    const row = current(ctx).lxc.find((r) => r.name === c.container);
    return { pass: row?.name === c.name, expected: `${c.container} named ${c.name}`, actual: row ? row.name : 'not listed' };
  },
  evidence: (c, _p, exec) => [exec(`pventer -c ${shq(c.container)} hostname`)],
  validate: (c) => (c.name === '' ? `scenarios.json: check '${c.id}' names no hostname` : undefined),
  condition: (c, code) => `${code(c.container)} answers to ${code(c.name)}`,
  expectsNoOutput: () => false,
};

function planWithToy(name: string): PlanFile {
  const plan = JSON.parse(planText);
  const toy = { id: 'toy-check', kind: 'toy-hostname', container: 'pv-example-random', name, row: 'the toy row' };
  plan.scenarios[0].steps[0].waitFor.push({ ...toy, id: 'toy-wait' });
  plan.scenarios[0].steps[0].checks.push(toy);
  return plan;
}

test('a toy kind registered in one place reaches the schema, validation, gather, evidence, evaluation and the plan', () => {
  const text = (name: string) => JSON.stringify(planWithToy(name));
  // unregistered: the schema refuses the kind
  assert.throws(() => parsePlan(text('pv-example-random'), schemaText), /unknown check kind 'toy-hostname'/);
  const unregister = registerKind(TOY);
  try {
    assert.ok(checkKinds().includes(TOY as unknown as CheckKind));
    assert.ok(checkSchemaBranches().some((b) => JSON.stringify(b).includes('"const":"toy-hostname"')));
    assert.ok(planSchemaText().includes('"const": "toy-hostname"'), 'make plan would write the new kind into scenarios.schema.json');
    const plan = parsePlan(text('pv-example-random'), schemaText);
    assert.throws(() => parsePlan(text(''), schemaText), /check 'toy-check' names no hostname/);
    assert.throws(
      () =>
        parsePlan(
          JSON.stringify({
            ...planWithToy('x'),
            scenarios: [{ ...planWithToy('x').scenarios[0], steps: [{ ...planWithToy('x').scenarios[0].steps[0], checks: [{ id: 'toy-check', kind: 'toy-hostname', container: 'a' }] }] }],
          }),
          schemaText,
        ),
      /name/,
    );
    const step = plan.scenarios[0].steps[0];
    const toy = step.checks.find((c) => c.id === 'toy-check')!;
    // gather: a readiness poll on it gathers its files only
    assert.deepEqual(filesOfCheck(toy), ['lxc-ls.txt']);
    assert.deepEqual([...filesFor(step.waitFor)!].sort(), [...new Set(step.waitFor.flatMap(filesOfCheck))].sort());
    assert.ok(filesFor([toy])!.has('lxc-ls.txt'));
    assert.match(gatherScript({ deviceJsonFile: '/d', logFile: '/l', appengineOut: '/o' }, 5, [], undefined, filesFor([toy])), /lxc-ls -f/);
    // evidence
    const paths = { container: 'pva-test', logFile: '/l', deviceJsonFile: '/d' };
    assert.equal(evidenceCommand(toy, paths), 'docker exec pva-test pventer -c pv-example-random hostname');
    // evaluation
    const st = stateFromFiles({ 'lxc-ls.txt': 'NAME STATE AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED\npv-example-random RUNNING 0 - 10.0.5.2 - false\n' });
    assert.equal(evaluateCheck(toy, { steps: { boot: st }, step: 'boot' }).pass, true);
    // the plan document: its condition wording in Execute, its evidence command in Verify
    assert.equal(describeCondition(step.waitFor.find((c) => c.id === 'toy-wait')!), '`pv-example-random` answers to `pv-example-random`');
    const md = planMarkdown(plan);
    assert.ok(md.includes('- `pv-example-random` answers to `pv-example-random`'));
    assert.ok(md.includes('# Expected: the toy row\ndocker exec pva-test pventer -c pv-example-random hostname'));
  } finally {
    unregister();
  }
  assert.throws(() => parsePlan(text('pv-example-random'), schemaText), /unknown check kind 'toy-hostname'/);
});
