// deno.json lets a clone with only Deno run the toolkit: its imports pin the npm dependencies
// to package-lock.json's versions, deno.lock resolves the same versions, and its tasks are
// the ones scenarios.json implies (make plan writes them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { denoTasks, withTasks } from '../lib/plan/deno-tasks.ts';
import { parsePlan, type PlanFile } from '../lib/plan/scenarios.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const json = (f: string) => JSON.parse(readFileSync(`${ROOT}${f}`, 'utf8'));
const plan = parsePlan(readFileSync(`${ROOT}scenarios.json`, 'utf8'), readFileSync(`${ROOT}scenarios.schema.json`, 'utf8'));
const deno = json('deno.json');
const pkg = json('package.json');
const lock = json('package-lock.json');

test('deno.json tasks are in sync with scenarios.json (run make plan)', () => {
  assert.deepEqual(deno.tasks, denoTasks(plan), 'deno.json tasks are out of date with scenarios.json; run make plan');
});

test('a task per scenario id for test, stage, verify and capture, plus the fixed ones', () => {
  const tasks = denoTasks(plan);
  for (const s of plan.scenarios) {
    assert.equal(tasks[`test-${s.id}`].command, `deno run -A --quiet scripts/test.ts ${s.id}`);
    assert.equal(tasks[`verify-${s.id}`].command, `deno run -A --quiet scripts/verify.ts ${s.id}`);
    assert.equal(tasks[`stage-${s.id}`].command, `deno run -A --quiet scripts/stage.ts ${s.id}`);
    assert.equal(tasks[`capture-${s.id}`].command, `deno run -A --quiet scripts/capture.ts ${s.id}`);
  }
  for (const t of ['help', 'test-all', 'rerun', 'up', 'down', 'shell', 'logs', 'clean', 'build', 'load', 'lint', 'plan', 'plan-check', 'ci-matrix', 'junit-merge']) assert.ok(tasks[t], t);
  assert.equal(tasks['test-all'].command, 'deno run -A --quiet scripts/test.ts all');
  assert.equal(tasks['verify-all'].command, 'deno run -A --quiet scripts/verify.ts all');
  assert.equal(tasks['plan-check'].command, 'deno run -A --quiet scripts/plan.ts --check');
  // every task runs a script that exists
  for (const [name, t] of Object.entries(tasks)) {
    const script = /scripts\/[a-z-]+\.ts/.exec(t.command)![0];
    assert.doesNotThrow(() => readFileSync(`${ROOT}${script}`), `${name}: ${script}`);
  }
  const more = { ...plan, scenarios: [...plan.scenarios, { ...plan.scenarios[0], id: 'collision' }] } as PlanFile;
  assert.ok(denoTasks(more)['verify-collision']);
});

test('withTasks replaces the tasks and keeps every other key in its place', () => {
  const text = withTasks('{"nodeModulesDir":"none","tasks":{"old":"x"},"imports":{"a":"npm:a@1"}}', { t: { description: 'd', command: 'c' } });
  assert.equal(text, '{\n  "nodeModulesDir": "none",\n  "tasks": {\n    "t": {\n      "description": "d",\n      "command": "c"\n    }\n  },\n  "imports": {\n    "a": "npm:a@1"\n  }\n}\n');
});

test('deno.json imports every npm dependency, pinned to the version package-lock.json installs', () => {
  const deps = Object.keys(pkg.dependencies).sort();
  assert.deepEqual(Object.keys(deno.imports).sort(), deps);
  for (const d of deps) assert.equal(deno.imports[d], `npm:${d}@${lock.packages[`node_modules/${d}`].version}`, d);
  // without node_modules: Deno keeps npm packages in its own cache
  assert.equal(deno.nodeModulesDir, 'none');
});

test('deno.lock resolves the same versions as package-lock.json', () => {
  const dl = json('deno.lock');
  for (const d of Object.keys(pkg.dependencies)) assert.equal(dl.specifiers[`npm:${d}@${pkg.dependencies[d]}`], pkg.dependencies[d], d);
  // and every package below them (ajv's dependencies) at package-lock's version
  for (const key of Object.keys(dl.npm)) {
    const at = key.lastIndexOf('@');
    const [name, version] = [key.slice(0, at), key.slice(at + 1)];
    assert.equal(lock.packages[`node_modules/${name}`]?.version, version, `${name}: deno.lock ${version}`);
  }
});

test('deno is an optional dependency, so that `deno` in a task is the running Deno, not an npm bin', () => {
  // deno task resolves a command from package.json's dependencies and devDependencies before
  // the running binary; the npm package's launcher cannot run from Deno's cache
  assert.equal(pkg.dependencies.deno, undefined);
  assert.equal(pkg.devDependencies.deno, undefined);
  assert.ok(pkg.optionalDependencies.deno);
});
