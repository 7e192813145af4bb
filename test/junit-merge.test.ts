import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stateFromFiles, type StepState } from '../lib/bundle.ts';
import { evaluateScenario } from '../lib/evaluate.ts';
import { mergeReports } from '../lib/junit-merge.ts';
import { junitTotals, toJunit } from '../lib/report/junit.ts';
import { type RunReport, type ScenarioReport, summarize } from '../lib/report/model.ts';
import { findScenario, parsePlan, resolveStep } from '../lib/scenarios.ts';
import { UsageError } from '../lib/errors.ts';
import { readBundle } from '../lib/run/bundle-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const plan = parsePlan(readFileSync(`${ROOT}scenarios.json`, 'utf8'), readFileSync(`${ROOT}scenarios.schema.json`, 'utf8'));

/** Test N judged on its fixture bundle, as `make verify-N SNAPSHOT=...` does; `edit` may break a file first. */
function judged(id: string, edit?: (files: Record<string, Record<string, string>>) => void): ScenarioReport {
  const scenario = findScenario(plan, id);
  const { files, logs } = readBundle(`${ROOT}test/fixtures/bundles/test-${id}`, scenario);
  edit?.(files);
  const states: Record<string, StepState> = {};
  for (const [step, f] of Object.entries(files)) states[step] = stateFromFiles(f, logs[step]);
  const steps = scenario.steps.map((s) => resolveStep(s, { EXTERNAL_HOST: '203.0.113.10' }));
  const checks = evaluateScenario(scenario, steps, states, plan);
  return { id, title: scenario.title, status: checks.every((c) => c.pass) ? 'passed' : 'failed', durationMs: 1500, timings: {}, waits: [], checks };
}

/** One CI job's report.json: one scenario. */
function job(s: ScenarioReport, label = 'pantavisor-appengine'): RunReport {
  return {
    tool: 'pv-ipam-tests',
    version: '0.1.0',
    mode: 'live',
    target: { name: 'appengine', label },
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    exitCode: s.status === 'passed' ? 0 : s.status === 'failed' ? 1 : 3,
    summary: summarize([s]),
    scenarios: [s],
  };
}

const passed1 = judged('1');
const passed6 = judged('6');
const failed9 = judged('9', (f) => {
  f.boot['lxc-ls.txt'] = f.boot['lxc-ls.txt'].replace('10.0.3.3', '10.0.3.2');
});
const skipped3: ScenarioReport = {
  id: '3',
  title: findScenario(plan, '3').title,
  status: 'skipped',
  skip: { capability: 'iptables', reason: 'command -v iptables failed', evidence: [] },
  durationMs: 900,
  timings: {},
  waits: [],
  checks: [],
};
const errored7: ScenarioReport = {
  id: '7',
  title: findScenario(plan, '7').title,
  status: 'error',
  error: 'image pantavisor-appengine:latest & <friends> not found',
  durationMs: 20,
  timings: {},
  waits: [],
  checks: [],
};

test('the realistic reports: passing, failing and errored jobs', () => {
  assert.equal(passed1.status, 'passed');
  assert.equal(passed6.checks.length, 12);
  assert.equal(failed9.status, 'failed');
  assert.ok(failed9.checks.filter((c) => !c.pass).length >= 2);
});

test('mergeReports: report.json files as one run report, rendered once: the suites of each job, in order, the totals summed', () => {
  const jobs = [passed1, failed9, errored7, passed6, skipped3].map((s) => job(s));
  const merged = mergeReports(jobs.map((r, i) => ({ file: `job-${i}/report.json`, text: JSON.stringify(r) })));
  assert.deepEqual(merged.scenarios.map((s) => s.id), ['1', '9', '7', '6', '3']);
  assert.equal(merged.summary.scenarios, 5);
  assert.equal(merged.exitCode, 3);
  const once = toJunit(merged);
  // each job's own <testsuite>, as its junit.xml has it, one after another
  const suites = (x: string) => x.split('\n').slice(2, -2).join('\n');
  assert.equal(suites(once), jobs.map((r) => suites(toJunit(r))).join('\n'));
  const t = junitTotals(merged);
  const each = jobs.map(junitTotals);
  for (const k of ['tests', 'failures', 'errors', 'skipped'] as const) assert.equal(t[k], each.reduce((n, x) => n + x[k], 0), k);
  assert.equal(t.skipped, 1);
  assert.equal(t.errors, 1);
  assert.equal(t.failures, failed9.checks.filter((c) => !c.pass).length);
  assert.ok(once.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pv-ipam-tests (pantavisor-appengine)" tests="${t.tests}" failures="${t.failures}" errors="1" skipped="1">\n`));
  assert.ok(once.includes('image pantavisor-appengine:latest &amp; &lt;friends&gt; not found'));
  // different targets are named together
  const mixed = mergeReports([{ file: 'a', text: JSON.stringify(job(passed1)) }, { file: 'b', text: JSON.stringify(job(passed6, 'appengine LAB "sim" & co')) }]);
  assert.match(toJunit(mixed), /^<testsuites name="pv-ipam-tests \(pantavisor-appengine; appengine LAB &quot;sim&quot; &amp; co\)" /m);
});

test('mergeReports: a junit.xml is refused with a line saying to give the report.json beside it', () => {
  assert.throws(() => mergeReports([{ file: 'job/junit.xml', text: toJunit(job(passed1)) }]), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal((e as Error).message, 'job/junit.xml is XML, not a report.json: junit-merge merges the report.json files each run writes beside its junit.xml');
    return true;
  });
  assert.throws(() => mergeReports([]), UsageError);
});

test('mergeReports: a report.json cut short, or not a pv-ipam-tests report, is a usage error naming it', () => {
  const text = JSON.stringify(job(passed1));
  assert.throws(
    () => mergeReports([{ file: 'a/report.json', text: text.slice(0, text.length - 10) }]),
    (e: unknown) => e instanceof UsageError && /^a\/report\.json is not valid JSON \(truncated\? /.test((e as Error).message),
  );
  assert.throws(() => mergeReports([{ file: 'b/report.json', text: '{"scenarios": []}' }]), /b\/report\.json is not a pv-ipam-tests report\.json/);
  assert.throws(() => mergeReports([{ file: 'a', text }, { file: 'b', text: JSON.stringify({ ...job(passed6), strict: true }) }]), /with and without STRICT=1/);
});

test('make junit-merge on the report.json files of real verify runs', () => {
  const dir = mkdtempSync(`${tmpdir()}/pv-junit-`);
  try {
    for (const id of ['2', '9']) {
      const r = spawnSync('make', ['-s', `verify-${id}`, `SNAPSHOT=test/fixtures/bundles/test-${id}`, `REPORT_DIR=${dir}/job-${id}`], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    }
    const out = `${dir}/merged/junit.xml`;
    let r = spawnSync('make', ['-s', 'junit-merge', `REPORTS=${dir}/job-2 ${dir}/job-9`, `OUT=${out}`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const t2 = findScenario(plan, '2').steps[0].checks.length;
    const t9 = findScenario(plan, '9').steps[0].checks.length;
    assert.equal(r.stdout, `${out}: 2 file(s), 2 testsuite(s), ${t2 + t9} tests, 0 failures, 0 errors, 0 skipped\n`);
    // each verify run writes REPORT_DIR/<stamp>-verify-N/{report.json,junit.xml}
    const runDir = (id: string) => `${dir}/job-${id}/${readdirSync(`${dir}/job-${id}`)[0]}`;
    const reports = ['2', '9'].map((id) => `${runDir(id)}/report.json`);
    assert.equal(reports.length, 2);
    assert.equal(readFileSync(out, 'utf8'), toJunit(mergeReports(reports.map((file) => ({ file, text: readFileSync(file, 'utf8') })))));
    const junit = `${runDir('2')}/junit.xml`;
    r = spawnSync('make', ['-s', 'junit-merge', `REPORTS=${junit}`, `OUT=${dir}/x.xml`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /junit\.xml is XML, not a report\.json/);
    r = spawnSync('make', ['-s', 'junit-merge', `REPORTS=${dir}/job-2`], { cwd: ROOT, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /set OUT=merged\.xml/);
    r = spawnSync('make', ['-s', 'junit-merge', `OUT=${out}`, `REPORTS=${dir}/nope`], { cwd: ROOT, encoding: 'utf8' });
    assert.match(r.stderr, /cannot read .*\/nope/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
