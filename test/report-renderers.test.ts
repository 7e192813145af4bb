/**
 * The renderers over one RunReport (lib/report/console.ts, json.ts, junit.ts) make, of a fixed
 * run report (test/fixtures/report/run.json: every scenario and check status, XML-special and
 * control characters), byte for byte what the toolkit made before they were split out of
 * lib/report.ts and scripts/shared/reporting.ts: the console text (plain, and ANSI as on a
 * terminal), report.json and junit.xml, with and without STRICT=1. The expected files were
 * written by that code (printHeader, printChecks, printScenarioEnd, finishRun).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createColors } from 'picocolors';
import { checkLine, type Colors, headerLine, NO_COLORS, runEndLines, scenarioEndLines } from '../lib/report/console.ts';
import { fromJson, toJson } from '../lib/report/json.ts';
import { toJunit } from '../lib/report/junit.ts';
import { exitCodeOf, type RunReport, summarize } from '../lib/report/model.ts';

const DIR = fileURLToPath(new URL('./fixtures/report/', import.meta.url));
const expected = (f: string) => readFileSync(`${DIR}${f}`, 'utf8');
const base: RunReport = JSON.parse(expected('run.json'));

function report(strict: boolean): RunReport {
  return { ...base, strict, summary: summarize(base.scenarios), exitCode: exitCodeOf(base.scenarios, [], strict) };
}

/** What a run prints, as scripts/test.ts and verify.ts print it (scripts/shared/reporting.ts). */
function consoleText(r: RunReport, c: Colors): string {
  const lines: string[] = [];
  for (const s of r.scenarios) {
    lines.push('', headerLine(s, r.target.label, r.mode, c));
    for (const x of s.checks) lines.push(checkLine(x, c, !!r.strict));
    lines.push(...scenarioEndLines(s, c));
  }
  lines.push(...runEndLines(r, ['DIR/report.json', 'DIR/junit.xml'], c));
  return lines.map((l) => `${l}\n`).join('');
}

for (const strict of [false, true]) {
  const tag = strict ? '-strict' : '';
  const r = report(strict);
  test(`console, JSON and JUnit renderers: the bytes the toolkit wrote before${strict ? ' (STRICT=1)' : ''}`, () => {
    assert.equal(consoleText(r, NO_COLORS), expected(`console${tag}.txt`));
    assert.equal(consoleText(r, createColors(true)), expected(`console${tag}.ansi.txt`));
    assert.equal(toJson(r), expected(`report${tag}.json`));
    assert.equal(toJunit(r), expected(`junit${tag}.xml`));
    assert.deepEqual(fromJson(toJson(r)), JSON.parse(expected(`report${tag}.json`)));
  });
}

test('the fixed report holds every status the renderers tell apart', () => {
  const r = report(false);
  assert.deepEqual([...new Set(r.scenarios.map((s) => s.status))].sort(), ['error', 'failed', 'passed', 'skipped', 'xfail', 'xpass']);
  const checks = r.scenarios.flatMap((s) => s.checks.map((c) => c.status ?? (c.pass ? 'pass' : 'fail')));
  assert.deepEqual([...new Set(checks)].sort(), ['error', 'fail', 'pass', 'unjudged', 'xfail', 'xpass']);
  assert.equal(r.exitCode, 3);
});
