import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ciMatrix, ciMatrixJson } from '../lib/plan/ci-matrix.ts';
import { parsePlan, type PlanFile } from '../lib/plan/scenarios.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const plan = parsePlan(readFileSync(`${ROOT}scenarios.json`, 'utf8'), readFileSync(`${ROOT}scenarios.schema.json`, 'utf8'));

test("ciMatrix: one entry per scenario, in the plan's order, as strategy.matrix takes it", () => {
  assert.deepEqual(ciMatrix(plan), { scenario: plan.scenarios.map((s) => s.id) });
  assert.deepEqual(ciMatrix(plan).scenario.slice(0, 8), ['1', '2', '3', '4', '6', '7', '8', '9']);
  const two = { ...plan, scenarios: [plan.scenarios[0], { ...plan.scenarios[0], id: 'pool-exhaustion' }] } as PlanFile;
  assert.equal(ciMatrixJson(two), '{"scenario":["1","pool-exhaustion"]}');
});

test('make ci-matrix prints one line of JSON, nothing else', () => {
  const r = spawnSync('make', ['-s', 'ci-matrix'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, ciMatrixJson(plan) + '\n');
  assert.deepEqual(JSON.parse(r.stdout), ciMatrix(plan));
});
