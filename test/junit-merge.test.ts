import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stateFromFiles, type StepState } from '../lib/bundle.ts';
import { evaluateScenario } from '../lib/evaluate.ts';
import { mergeJunit, mergeReports, parseJunit } from '../lib/junit-merge.ts';
import { summarize, toJunit, type RunReport, type ScenarioReport } from '../lib/report.ts';
import { findScenario, parsePlan, resolveStep } from '../lib/scenarios.ts';
import { UsageError } from '../lib/errors.ts';
import { readBundle } from '../scripts/shared/bundle-files.ts';

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
    tool: 'pv-ipam-tests', version: '0.1.0', mode: 'live', target: { name: 'appengine', label },
    startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z', exitCode: s.status === 'passed' ? 0 : s.status === 'failed' ? 1 : 3,
    summary: summarize([s]), scenarios: [s],
  };
}

const passed1 = judged('1');
const passed6 = judged('6');
const failed9 = judged('9', (f) => { f.boot['lxc-ls.txt'] = f.boot['lxc-ls.txt'].replace('10.0.3.3', '10.0.3.2'); });
const skipped3: ScenarioReport = { id: '3', title: findScenario(plan, '3').title, status: 'skipped', skip: { capability: 'iptables', reason: 'command -v iptables failed', evidence: [] }, durationMs: 900, timings: {}, waits: [], checks: [] };
const errored7: ScenarioReport = { id: '7', title: findScenario(plan, '7').title, status: 'error', error: 'image pantavisor-appengine:latest & <friends> not found', durationMs: 20, timings: {}, waits: [], checks: [] };

test('the realistic reports: passing, failing and errored jobs', () => {
  assert.equal(passed1.status, 'passed');
  assert.equal(passed6.checks.length, 12);
  assert.equal(failed9.status, 'failed');
  assert.ok(failed9.checks.filter((c) => !c.pass).length >= 2);
});

test('mergeJunit: every testsuite of every file, verbatim, with the totals recomputed', () => {
  const jobs = [passed1, failed9, errored7, passed6, skipped3].map((s) => toJunit(job(s)));
  const merged = mergeJunit(jobs.map((text, i) => ({ file: `job-${i}/junit.xml`, text })));
  const back = parseJunit(merged);
  assert.equal(back.name, 'pv-ipam-tests (pantavisor-appengine)');
  assert.deepEqual(back.suites.map((s) => s.name), [
    'Test 1: Basic IPAM Pool Allocation', 'Test 9: Static-IP reservation from backend-native containers',
    'Test 7: Revision rejected on unknown pool reference', 'Test 6: IPAM lease stability across stop/start',
    'Test 3: Two pools, NAT vs no-NAT',
  ]);
  assert.equal(back.suites[4].skipped, 1);
  // the totals are those of one report holding all four scenarios
  const everything = [passed1, failed9, errored7, passed6, skipped3];
  const all = toJunit({ ...job(passed1), scenarios: everything, summary: summarize(everything) });
  const root = (x: string) => /<testsuites [^>]*>/.exec(x)![0];
  assert.equal(root(merged), root(all));
  assert.equal(merged.split('\n').slice(2, -2).join('\n'), all.split('\n').slice(2, -2).join('\n'), 'the suites are copied verbatim');
  // each suite's own counts
  const t9 = back.suites[1];
  assert.equal(t9.tests, failed9.checks.length);
  assert.equal(t9.failures, failed9.checks.filter((c) => !c.pass).length);
  assert.equal(back.suites[2].errors, 1);
  assert.ok(merged.includes('image pantavisor-appengine:latest &amp; &lt;friends&gt; not found'));
});

test('mergeJunit: merging a merged file again changes nothing; different targets are named together', () => {
  const once = mergeJunit([{ file: 'a', text: toJunit(job(passed1)) }, { file: 'b', text: toJunit(job(failed9)) }]);
  assert.equal(mergeJunit([{ file: 'm', text: once }]), once);
  const mixed = mergeJunit([{ file: 'a', text: toJunit(job(passed1)) }, { file: 'b', text: toJunit(job(passed6, 'appengine LAB "sim" & co')) }]);
  assert.equal(parseJunit(mixed).name, 'pv-ipam-tests (merged: pv-ipam-tests (pantavisor-appengine); pv-ipam-tests (appengine LAB "sim" & co))');
  assert.match(mixed, /^<testsuites name="pv-ipam-tests \(merged: [^"]*&quot;sim&quot; &amp; co\)\)" /m);
});

test('parseJunit: a JUnit file from another tool (bare testsuite, counts left out) is counted from its elements', () => {
  const other = '<?xml version="1.0"?>\n<testsuite name="x"><testcase name="a"/><testcase name="b"><failure message="m"/></testcase><testcase name="c"><skipped/></testcase></testsuite>\n';
  const p = parseJunit(other);
  assert.deepEqual(p.suites.map(({ xml: _x, ...s }) => s), [{ name: 'x', tests: 3, failures: 1, errors: 0, skipped: 1 }]);
  const merged = mergeJunit([{ file: 'o', text: other }, { file: 'p', text: toJunit(job(passed1)) }]);
  assert.match(merged, new RegExp(`<testsuites name="pv-ipam-tests \\(pantavisor-appengine\\)" tests="${3 + passed1.checks.length}" failures="1" errors="0" skipped="1">`));
  assert.equal(parseJunit('<testsuites name="empty" tests="0" failures="0" errors="0">\n</testsuites>').suites.length, 0);
});

test('mergeJunit: not JUnit, or nothing, is a usage error naming the file', () => {
  assert.throws(() => mergeJunit([{ file: 'reports/x/report.json', text: '{"tool":"pv-ipam-tests"}' }]), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal((e as Error).message, 'reports/x/report.json is not a JUnit file (no <testsuites> or <testsuite>)');
    return true;
  });
  assert.throws(() => mergeJunit([]), UsageError);
});

test('parseJunit: a JUnit file cut short anywhere is a usage error, not wrong totals', () => {
  const whole = toJunit(job(failed9));
  assert.equal(parseJunit(whole).suites.length, 1);
  for (const at of [whole.length - 2, whole.length - 20, Math.floor(whole.length / 2), whole.indexOf('</testcase>') + 3]) {
    assert.throws(() => parseJunit(whole.slice(0, at), 'job/junit.xml'), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match((e as Error).message, /^job\/junit\.xml is not a whole JUnit file \(truncated\? /);
      return true;
    }, `cut at ${at}`);
  }
});

test('mergeReports: report.json files as one run report, rendered once with the same suites and totals', () => {
  const jobs = [passed1, failed9, errored7, passed6, skipped3].map((s) => job(s));
  const merged = mergeReports(jobs.map((r, i) => ({ file: `job-${i}/report.json`, text: JSON.stringify(r) })));
  assert.deepEqual(merged.scenarios.map((s) => s.id), ['1', '9', '7', '6', '3']);
  assert.equal(merged.summary.scenarios, 5);
  assert.equal(merged.exitCode, 3);
  const once = toJunit(merged);
  const suiteByMerge = mergeJunit(jobs.map((r, i) => ({ file: `${i}`, text: toJunit(r) })));
  const root = (x: string) => /<testsuites [^>]*>/.exec(x)![0];
  assert.equal(root(once), root(suiteByMerge));
  assert.equal(once.split('\n').slice(2).join('\n'), suiteByMerge.split('\n').slice(2).join('\n'));
});

test('mergeReports: a report.json cut short, or not a pv-ipam-tests report, is a usage error naming it', () => {
  const text = JSON.stringify(job(passed1));
  assert.throws(() => mergeReports([{ file: 'a/report.json', text: text.slice(0, text.length - 10) }]), (e: unknown) => e instanceof UsageError && /^a\/report\.json is not valid JSON \(truncated\? /.test((e as Error).message));
  assert.throws(() => mergeReports([{ file: 'b/report.json', text: '{"scenarios": []}' }]), /b\/report\.json is not a pv-ipam-tests report\.json/);
  assert.throws(() => mergeReports([{ file: 'a', text }, { file: 'b', text: JSON.stringify({ ...job(passed6), strict: true }) }]), /with and without STRICT=1/);
});

test('make junit-merge on the junit.xml files of real verify runs', () => {
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
    const merged = parseJunit(readFileSync(out, 'utf8'));
    assert.deepEqual(merged.suites.map((s) => s.name.slice(0, 6)), ['Test 2', 'Test 9']);
    r = spawnSync('make', ['-s', 'junit-merge', `REPORTS=${dir}/job-2`], { cwd: ROOT, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /set OUT=merged\.xml/);
    r = spawnSync('make', ['-s', 'junit-merge', `OUT=${out}`, `REPORTS=${dir}/nope`], { cwd: ROOT, encoding: 'utf8' });
    assert.match(r.stderr, /cannot read .*\/nope/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
