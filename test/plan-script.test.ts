// scripts/plan.ts end to end on copies: --check passes on what plan.ts wrote, and reports
// drift (exit 1, one line naming the file) when the copy of scenarios.json changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function plan(args: string[], scenarios: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}scripts/plan.ts`, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SCENARIOS: scenarios, NO_COLOR: '1' },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('plan --check passes on the files plan wrote and fails, naming the file, on a drifted copy of scenarios.json', () => {
  const dir = mkdtempSync(`${tmpdir()}/pv-plan-`);
  try {
    const scenarios = `${dir}/scenarios.json`;
    const md = `${dir}/testplan-ipam.md`;
    const deno = `${dir}/deno.json`;
    const schema = `${dir}/scenarios.schema.json`;
    copyFileSync(`${ROOT}scenarios.json`, scenarios);
    copyFileSync(`${ROOT}deno.json`, deno);
    const files = ['--out', md, '--deno-json', deno, '--schema', schema];

    let r = plan(files, scenarios);
    assert.equal(r.status, 0, r.out);
    assert.equal(readFileSync(md, 'utf8'), readFileSync(`${ROOT}docs/testplan-ipam.md`, 'utf8'), 'the same scenarios give the committed document');
    assert.equal(readFileSync(schema, 'utf8'), readFileSync(`${ROOT}scenarios.schema.json`, 'utf8'), 'the same kinds give the committed schema');
    r = plan(['--check', ...files], scenarios);
    assert.equal(r.status, 0, r.out);
    assert.equal(r.out, '');

    // the plan changes: a check's row is reworded
    const changed = JSON.parse(readFileSync(scenarios, 'utf8'));
    changed.scenarios[0].steps[0].checks[0].row = 'Container status: both RUNNING (reworded)';
    writeFileSync(scenarios, JSON.stringify(changed, null, 2));
    r = plan(['--check', ...files], scenarios);
    assert.equal(r.status, 1, r.out);
    assert.equal(r.out, `${md} is out of date with scenarios.json; run make plan\n`);

    // a new scenario also changes deno.json's tasks
    changed.scenarios.push({ ...changed.scenarios[1], id: '10', steps: [{ ...changed.scenarios[1].steps[0], checks: [{ id: 't10-x', kind: 'ips-unique' }] }] });
    writeFileSync(scenarios, JSON.stringify(changed, null, 2));
    r = plan(['--check', ...files], scenarios);
    assert.equal(r.status, 1, r.out);
    assert.equal(r.out, `${md} is out of date with scenarios.json; run make plan\n${deno} tasks are out of date with scenarios.json; run make plan\n`);

    // make plan brings both up to date
    r = plan(files, scenarios);
    assert.equal(r.status, 0, r.out);
    assert.ok(JSON.parse(readFileSync(deno, 'utf8')).tasks['test-10']);
    assert.ok(readFileSync(md, 'utf8').includes('Container status: both RUNNING (reworded)'));
    assert.equal(plan(['--check', ...files], scenarios).status, 0);

    // a hand edit of the schema file is drift too: it is written from lib/plan/plan-schema.ts and the kinds
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('"ip-unchanged"', '"ip-unchanged-edited"'));
    r = plan(['--check', ...files], scenarios);
    assert.equal(r.status, 1, r.out);
    assert.equal(r.out, `${schema} is out of date with lib/plan/plan-schema.ts and the check kinds (lib/checks/); run make plan\n`);
    assert.equal(plan(files, scenarios).status, 0);
    assert.equal(readFileSync(schema, 'utf8'), readFileSync(`${ROOT}scenarios.schema.json`, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plan: bad arguments and a bad scenarios file are usage errors (exit 2)', () => {
  let r = plan(['--frobnicate'], `${ROOT}scenarios.json`);
  assert.equal(r.status, 2);
  assert.match(r.out, /unknown argument '--frobnicate'/);
  r = plan(['--out'], `${ROOT}scenarios.json`);
  assert.equal(r.status, 2);
  r = plan(['--check'], '/nonexistent/scenarios.json');
  assert.equal(r.status, 2);
  assert.match(r.out, /cannot read \/nonexistent\/scenarios\.json/);
});
