/**
 * The console renderer: the lines a run prints as it goes (a scenario's header, one line per
 * check, its verdict) and at its end (the summary). Pure: returns strings, coloured by `Colors`.
 */
import type { CheckResult } from '../judge/evaluate.ts';
import { issueText, type RunReport, type ScenarioReport, statusOf } from './model.ts';
import { terminalSafe as t } from './terminal.ts';

export interface Colors {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export const NO_COLORS: Colors = { green: (s) => s, red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

export function checkLine(r: CheckResult, c: Colors, strict = false): string {
  const st = statusOf(r);
  const tag = { pass: c.green('PASS'), fail: c.red('FAIL'), xfail: c.yellow('XFAIL'), xpass: c.yellow('XPASS'), error: c.red('ERROR'), unjudged: c.yellow('UNJUDGED') }[st];
  // every field but the tag comes from scenarios.json or the evidence: shown escaped (terminal.ts)
  const head = `${tag}${st.length > 4 ? ' ' : '  '}${t(r.id)}${r.row ? c.dim(`  (${t(r.row)})`) : ''}`;
  if (st === 'pass') return head;
  const lines = [head];
  if (st === 'unjudged') {
    lines.push(c.yellow(`      not judged: ${t(r.notJudged ?? 'not judged')}`));
    if (r.knownIssue) lines.push(c.dim(`      known issue: ${t(issueText(r.knownIssue))}`));
    return lines.join('\n');
  }
  if (st === 'xpass') {
    lines.push(c.green(`      known issue looks fixed: ${t(issueText(r.knownIssue!))}; drop its knownIssue from scenarios.json once confirmed`));
    if (strict) lines.push(c.red('      STRICT=1: an XPASS counts as a failure'));
    return lines.join('\n');
  }
  lines.push(`      expected: ${t(r.expected)}`, `      actual:   ${t(r.actual)}`);
  if (st === 'error') {
    // a troubleshooting hint is about the target; an unreadable output says nothing of it yet
    lines.push(c.red('      not judged: the toolkit could not read this evidence (the run ends with exit 3)'));
    if (r.evidence) lines.push(`      see:      ${t(r.evidence)}`);
    return lines.join('\n');
  }
  if (st === 'xfail') {
    lines.push(c.yellow(`      known issue: ${t(issueText(r.knownIssue!))}`));
    if (strict) lines.push(c.red('      STRICT=1: an XFAIL counts as a failure'));
  }
  if (r.evidence) lines.push(`      see:      ${t(r.evidence)}`);
  if (r.hint) lines.push(c.yellow(`      hint:     ${t(`${r.hint.symptom} → ${r.hint.cause}: ${r.hint.fix}`)}`));
  if (r.realSystem) lines.push(c.dim(`      note:     ${t(r.realSystem)}`));
  return lines.join('\n');
}

/** The line that says a scenario was skipped (or, with REQUIRE, failed for lack of a capability). */
export function skipLine(s: ScenarioReport, c: Colors): string {
  return `${c.yellow('SKIP')}  Test ${t(s.id)}: ${t(s.skip?.reason ?? 'skipped')}${c.dim(`  (REQUIRE=${t(s.skip?.capability ?? '...')} makes this a failure)`)}`;
}

export function summaryLine(r: RunReport): string {
  const s = r.summary;
  const errors = s.checksErrors ?? 0;
  const unjudged = s.checksUnjudged ?? 0;
  const extra = [
    s.checksXfail ? `${s.checksXfail} xfail` : '',
    s.checksXpass ? `${s.checksXpass} xpass` : '',
    errors ? `${errors} error (evidence not readable)` : '',
    unjudged ? `${unjudged} not judged` : '',
  ].filter(Boolean);
  const tests = [
    s.xfail ? `${s.xfail} xfail` : '',
    s.xpass ? `${s.xpass} xpass` : '',
    s.skipped ? `${s.skipped} skipped` : '',
    s.errors ? `${s.errors} could not run` : '',
  ].filter(Boolean);
  // the first line starts with "N passed, N failed" so that CI log readers recognise it
  return `${s.checks - s.checksFailed - s.checksXfail - s.checksXpass - errors - unjudged} passed, ${s.checksFailed} failed${extra.length ? `, ${extra.join(', ')}` : ''}\n` +
    `${s.passed}/${s.scenarios} tests passed${tests.length ? `, ${tests.join(', ')}` : ''} (${r.mode}; target: ${t(r.target.label)}${r.pantavisor ? `; pantavisor ${t(r.pantavisor)}` : ''}${
      r.strict ? '; STRICT=1' : ''
    })`;
}

/** The line that opens a scenario: its id and title, how it runs and on what. */
export function headerLine(s: { id: string; title: string }, targetLabel: string, mode: string, c: Colors): string {
  return c.bold(`Test ${t(s.id)}: ${t(s.title)}`) + c.dim(`  [${t(mode)}; target: ${t(targetLabel)}]`);
}

/** The lines that close a scenario: why it was skipped, its own known issue, its verdict. */
export function scenarioEndLines(s: ScenarioReport, c: Colors): string[] {
  const verdict: Record<ScenarioReport['status'], (s: string) => string> = {
    passed: c.green,
    failed: c.red,
    error: c.red,
    xfail: c.yellow,
    xpass: c.yellow,
    skipped: c.yellow,
  };
  const lines: string[] = [];
  if (s.status === 'skipped') lines.push(skipLine(s, c));
  if (s.device) lines.push(c.dim(`device: installed as ${t(s.device.revision)} on baseline ${t(s.device.baseline)}${s.device.note ? `; ${t(s.device.note)}` : ''}`));
  if (s.knownIssue && (s.status === 'xfail' || s.status === 'xpass')) {
    lines.push(
      c.yellow(s.status === 'xfail' ? `known issue: ${t(issueText(s.knownIssue))}` : `known issue looks fixed: ${t(issueText(s.knownIssue))}; drop its knownIssue from scenarios.json once confirmed`),
    );
  }
  const passed = s.checks.filter((x) => x.pass).length;
  const detail = s.status === 'error' ? s.error : s.status === 'skipped' ? s.skip?.capability ? `requires ${s.skip.capability}` : 'skipped' : `${passed}/${s.checks.length} checks passed`;
  lines.push(`Test ${t(s.id)}: ${verdict[s.status](s.status.toUpperCase())} (${t(String(detail))}) in ${(s.durationMs / 1000).toFixed(1)} s${s.bundle ? c.dim(`; bundle: ${t(s.bundle)}`) : ''}`);
  return lines;
}

/** The lines that close a run: a blank line, the summary, where its reports were written. */
export function runEndLines(r: RunReport, files: string[], c: Colors): string[] {
  return ['', summaryLine(r), c.dim(`reports: ${t(files.join(', '))}`)];
}
