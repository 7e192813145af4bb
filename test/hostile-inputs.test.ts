/**
 * Issue 21, the pure cases of hostile input: bounded JSON parsed once, report.json and meta.json
 * checked against their shapes, rerun of a STRICT run, evidence escaped on the console. The
 * whole-command cases (exit status, one line, nothing deleted) are in test/hostile.sh
 * (`make hostile`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSON_BOUNDS, jsonDepth, parseJsonBounded } from '../lib/parse/json-bounded.ts';
import { parseProgress } from '../lib/parse/pv-progress.ts';
import { fromJson } from '../lib/report/json.ts';
import { idsToRerun } from '../lib/report/rerun.ts';
import { terminalSafe } from '../lib/report/terminal.ts';
import { checkLine, headerLine, NO_COLORS, scenarioEndLines } from '../lib/report/console.ts';
import { toJunit } from '../lib/report/junit.ts';
import { parseBundleMeta } from '../lib/bundle/bundle-meta.ts';
import { stateFromFiles } from '../lib/bundle/bundle.ts';
import { UsageError } from '../lib/tooling/errors.ts';
import type { RunReport, ScenarioReport } from '../lib/report/model.ts';
import type { CheckResult } from '../lib/judge/evaluate.ts';

const FIXTURE_REPORT = fileURLToPath(new URL('./fixtures/report/report.json', import.meta.url));
const good = (): RunReport => JSON.parse(readFileSync(FIXTURE_REPORT, 'utf8'));
const usage = (re: RegExp) => (e: Error) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n');

test('parseJsonBounded: depth and size bounds, refused before JSON.parse builds anything', () => {
  assert.deepEqual(parseJsonBounded('{"a":[1,{"b":"[[[["}]}'), { value: { a: [1, { b: '[[[[' }] } });
  assert.equal(jsonDepth('"[[[[[[" [[]]'), 2, 'brackets inside strings do not count');
  assert.equal(jsonDepth('["\\"[[["]'), 1, 'an escaped quote does not end a string');
  const deep = '['.repeat(65) + ']'.repeat(65);
  assert.deepEqual(parseJsonBounded(deep), { problem: 'nested over 64 levels deep, more than a JSON input may be' });
  assert.ok('value' in parseJsonBounded('['.repeat(64) + ']'.repeat(64)));
  const big = ' '.repeat(JSON_BOUNDS.bytes + 1);
  assert.match((parseJsonBounded(big) as { problem: string }).problem, /^16 MB, over the 16 MB a JSON input may have$/);
  assert.match((parseJsonBounded('{"a":') as { problem: string }).problem, /^not valid JSON \(/);
});

test('issue 21: a deeply nested progress file is refused by the depth scan, a 62 MB one by its size; each progress parsed once', () => {
  // the issue's file took 27 s and 4.7 GB, parsed twice. A 15 MB one stays under the size bound
  // to reach the depth scan; the message says JSON.parse never ran on it
  const half = 15 * 2 ** 20 / 2;
  const text = '{"status":"UPDATED","x":' + '['.repeat(half) + ']'.repeat(half) + '}';
  assert.deepEqual(parseProgress(text), { problem: 'nested over 64 levels deep, more than a JSON input may be' });
  const huge = '{"status":"UPDATED","x":' + '['.repeat(31 * 2 ** 20) + ']'.repeat(31 * 2 ** 20) + '}';
  assert.match((parseProgress(huge) as { problem: string }).problem, /^62 MB, over the 16 MB a JSON input may have$/);
  const st = stateFromFiles({ 'progress-locals+x.json': text });
  assert.equal(
    st.unreadable['progress-locals+x.json'],
    `progress-locals+x.json not understood (nested over 64 levels deep, more than a JSON input may be): ${JSON.stringify(text.slice(0, 160) + '…')}`,
  );
  assert.deepEqual(st.progress, {});
  // the state reading and the readability check share one parse of each progress file
  const good = '{"status":"UPDATED","status-msg":"Update finished","progress":100,"retries":0,"logs":""}';
  const parse = JSON.parse;
  let parses = 0;
  JSON.parse = ((t: string, r?: (this: unknown, k: string, v: unknown) => unknown) => {
    if (t === good) parses++;
    return parse(t, r);
  }) as typeof JSON.parse;
  try {
    const ok = stateFromFiles({ 'progress-locals+x.json': good });
    assert.equal(ok.progress['locals/x']?.progress?.status, 'UPDATED');
  } finally {
    JSON.parse = parse;
  }
  assert.equal(parses, 1, 'progress-<rev>.json parsed once');
});

test('report.json: the right tool but another shape, or a null scenario, is one line naming the field (issue 21)', () => {
  assert.deepEqual(fromJson(JSON.stringify(good())), good());
  const cases: [string, (r: Record<string, unknown>) => void, RegExp][] = [
    ['a null scenario', (r) => ((r.scenarios as unknown[])[0] = null), /^r\.json is not a pv-ipam-tests report\.json of this version: scenarios\[0\]: not an object$/],
    ['scenarios an object', (r) => (r.scenarios = {}), /: scenarios: not an array$/],
    ['checks missing', (r) => delete (r.scenarios as Record<string, unknown>[])[0].checks, /: scenarios\[0\]\.checks: not an array$/],
    ['a check of a number', (r) => ((r.scenarios as Record<string, unknown[]>[])[0].checks[0] = 7), /: scenarios\[0\]\.checks\[0\]: not an object$/],
    ['an unknown status', (r) => ((r.scenarios as Record<string, unknown>[])[0].status = 'PASSED'), /: scenarios\[0\]\.status: not one of passed, failed/],
    ['an id that is a path', (r) => ((r.scenarios as Record<string, unknown>[])[0].id = '../../etc'), /: scenarios\[0\]\.id: not a test id$/],
    ['target a string', (r) => (r.target = 'lab'), /: target: not an object$/],
    ['exitCode text', (r) => (r.exitCode = '1'), /: exitCode: not an exit status/],
    ['strict a string', (r) => (r.strict = 'yes'), /: strict: not true or false$/],
  ];
  for (const [name, edit, re] of cases) {
    const r = good() as unknown as Record<string, unknown>;
    edit(r);
    assert.throws(() => fromJson(JSON.stringify(r), 'r.json'), usage(re), name);
  }
  assert.throws(() => fromJson('null', 'r.json'), usage(/^r\.json is not a pv-ipam-tests report\.json$/));
  assert.throws(() => fromJson('['.repeat(100000), 'r.json'), usage(/^r\.json is nested over 64 levels deep/));
});

test('rerun of a STRICT run reruns its XFAIL and XPASS scenarios too (issue 21: "nothing to rerun")', () => {
  const sc = (id: string, status: ScenarioReport['status']): ScenarioReport => ({ id, title: id, status, durationMs: 1, timings: {}, waits: [], checks: [] });
  const scenarios = [sc('1', 'passed'), sc('relaunch', 'xfail'), sc('5', 'skipped'), sc('collision', 'error'), sc('x', 'xpass'), sc('3', 'failed')];
  const r = { ...good(), scenarios };
  assert.deepEqual(idsToRerun({ ...r, strict: true }), ['relaunch', 'collision', 'x', '3']);
  assert.deepEqual(idsToRerun({ ...r, strict: false }), ['collision', '3']);
});

test('meta.json: checked against its shape; bounded', () => {
  const meta = { tool: 'pv-ipam-tests', scenario: '1', target: 't', targetLabel: 'l', externalHost: '203.0.113.10', capturedAt: 'x', steps: ['boot'] };
  assert.deepEqual(parseBundleMeta(JSON.stringify(meta), 'm.json'), meta);
  const bad: [unknown, RegExp][] = [
    [null, /^m\.json is not a bundle's meta\.json: : not an object$/],
    [[], /: not an object$/],
    [{ ...meta, tool: 'other' }, /: tool: not one of pv-ipam-tests$/],
    [{ ...meta, steps: 'boot' }, /: steps: not an array$/],
    [{ ...meta, externalHost: 3 }, /: externalHost: not a string$/],
    [{ ...meta, capabilities: { iptables: { present: 'yes', probe: 'p', seen: 's' } } }, /: capabilities\.iptables\.present: not true or false$/],
  ];
  for (const [v, re] of bad) assert.throws(() => parseBundleMeta(JSON.stringify(v), 'm.json'), usage(re), JSON.stringify(v));
  assert.throws(() => parseBundleMeta('{"tool":', 'm.json'), usage(/^m\.json is not valid JSON/));
  assert.throws(() => parseBundleMeta(JSON.stringify({ ...meta, x: 'a'.repeat(2 ** 20) }), 'm.json'), usage(/^m\.json is 1 MB, over the 1 MB/));
});

test('evidence reaches the console escaped: an lxc-ls row with ESC sequences cannot repaint a line (issue 21)', () => {
  const esc = 'pv-example-net-server\x1b[2K\x1b[1A\x1b[32mPASS\r\u202e\x9b';
  assert.equal(terminalSafe(esc), 'pv-example-net-server\\x1b[2K\\x1b[1A\\x1b[32mPASS\\r\\u202e\\x9b');
  assert.equal(terminalSafe('plain ünïcode ✓ 10.0.5.2'), 'plain ünïcode ✓ 10.0.5.2');
  const r: CheckResult = {
    id: 't1-server-running',
    scenario: '1',
    step: 'boot',
    kind: 'container-state',
    row: `row ${esc}`,
    pass: false,
    expected: 'x\ny',
    actual: esc,
    evidence: `see ${esc}`,
    notJudged: esc,
  };
  for (const status of ['fail', 'xfail', 'error', 'unjudged'] as const) {
    const line = checkLine({ ...r, status, knownIssue: { summary: esc, seenIn: esc } }, NO_COLORS);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(line, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, status);
  }
  const s: ScenarioReport = { id: '1', title: esc, status: 'error', error: esc, durationMs: 1, timings: {}, waits: [], checks: [], bundle: esc };
  // deno-lint-ignore no-control-regex
  for (const line of [...scenarioEndLines(s, NO_COLORS), headerLine(s, esc, esc, NO_COLORS)]) assert.doesNotMatch(line, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
});

test('evidence in JUnit: no control character, C1 or bidi override survives raw', () => {
  const esc = 'server\x1b[2K\x9b31m\u202eevil\x7f';
  const r = good();
  r.scenarios[0].checks[0] = { ...r.scenarios[0].checks[0], pass: false, status: 'fail', actual: esc };
  const xml = toJunit(r);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(xml, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
  assert.match(xml, /server\[2K\\x9b31m\\u202eevil\\x7f/);
});

test("a pvrexport's json nested 100000 deep is refused by the depth scan, never parsed", async () => {
  const { exportProblem } = await import('../lib/artifacts/pvrexport.ts');
  const deep = '{"a":' + '['.repeat(100000) + ']'.repeat(100000) + '}';
  assert.equal(exportProblem(['json'], deep, () => undefined), "its 'json' entry is nested over 64 levels deep, more than a JSON input may be");
  assert.match(exportProblem(['json'], '{nope', () => undefined)!, /^its 'json' entry is not valid JSON \(/);
});
