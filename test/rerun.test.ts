import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idsToRerun } from '../lib/report/rerun.ts';
import { fromJson } from '../lib/report/json.ts';
import { UsageError } from '../lib/tooling/errors.ts';
import { type RunReport, type ScenarioReport, summarize } from '../lib/report/model.ts';

const sc = (id: string, status: ScenarioReport['status']): ScenarioReport => ({ id, title: id, status, durationMs: 1, timings: {}, waits: [], checks: [] });
const report = (scenarios: ScenarioReport[]): RunReport => ({
  tool: 'pv-ipam-tests',
  version: '0.1.0',
  mode: 'live',
  target: { name: 'lab', label: 'lab' },
  startedAt: 'x',
  finishedAt: 'y',
  exitCode: 1,
  summary: summarize(scenarios),
  scenarios,
});

test('idsToRerun: failed and errored, in the run order; passed, xfail, xpass and skipped are not rerun', () => {
  const r = report([sc('1', 'passed'), sc('3', 'failed'), sc('relaunch', 'xfail'), sc('5', 'skipped'), sc('collision', 'error'), sc('x', 'xpass')]);
  assert.deepEqual(idsToRerun(r), ['3', 'collision']);
  assert.deepEqual(idsToRerun(report([sc('1', 'passed')])), []);
});

test("fromJson (the one reader of report.json, rerun's too): a real report round-trips; anything else is a one-line usage error", () => {
  const r = report([sc('3', 'failed')]);
  assert.deepEqual(fromJson(JSON.stringify(r, null, 2), 'r.json'), r);
  assert.throws(() => fromJson('{', 'r.json'), (e: Error) => e instanceof UsageError && /^r\.json is not valid JSON/.test(e.message));
  assert.throws(() => fromJson('{"a":1}', 'r.json'), (e: Error) => e instanceof UsageError && /not a pv-ipam-tests report\.json/.test(e.message));
});
