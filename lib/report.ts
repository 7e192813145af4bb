/**
 * Reports: one console line per check, report.json and JUnit XML. Pure: returns strings.
 */
import type { CheckResult } from './evaluate.ts';
import type { CapabilityProbe } from './capabilities.ts';
import type { KnownIssue } from './scenarios.ts';
import { failsRun, type ScenarioStatus } from './verdict.ts';

export interface Colors {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export const NO_COLORS: Colors = { green: (s) => s, red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

export interface ScenarioReport {
  id: string;
  title: string;
  /**
   * passed: every check passed; failed: a check failed; xfail/xpass: a known issue failed or
   * looks fixed (lib/verdict.ts); skipped: the target lacks a capability; error: could not run,
   * or a check could not read its evidence (those checks have status error)
   */
  status: ScenarioStatus;
  error?: string;
  /** the scenario's own known issue, if it has one */
  knownIssue?: KnownIssue;
  /** why the scenario was skipped, with the results quoted as evidence */
  skip?: { capability: string; reason: string; evidence: CheckResult[] };
  /** what each capability probe found (also kept in the bundle's meta.json) */
  capabilities?: Record<string, CapabilityProbe>;
  /**
   * host uptime (s) at moments of the run, on the clock pantavisor.log's timestamps use:
   * scenarioStart, appengineStart, each step's trigger (`step:<id>`), ready (`ready:<id>`), verdict
   */
  clock?: Record<string, number>;
  durationMs: number;
  bundle?: string;
  /** time from boot to readiness etc., by name */
  timings: Record<string, number>;
  waits: { step: string; ok: boolean; elapsedMs: number; attempts: number; lastSeen?: string }[];
  /** commands a step ran inside the container (e.g. Test 6's pvcontrol stop/start) */
  actions?: { step: string; command: string; exitCode: number; output: string }[];
  checks: CheckResult[];
}


export interface RunReport {
  tool: 'pv-ipam-tests';
  version: string;
  mode: 'live' | 'snapshot';
  target: { name: string; label: string };
  snapshot?: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** STRICT=1: XFAIL and XPASS count as failures */
  strict?: boolean;
  /** REQUIRE=...: capabilities whose absence fails instead of skipping */
  require?: string[];
  /** JOBS=N when scenarios ran in parallel */
  jobs?: number;
  summary: Summary;
  scenarios: ScenarioReport[];
}

export interface Summary {
  scenarios: number;
  passed: number;
  failed: number;
  xfail: number;
  xpass: number;
  skipped: number;
  errors: number;
  checks: number;
  checksFailed: number;
  checksXfail: number;
  checksXpass: number;
  /** checks whose evidence could not be read (status error) */
  checksErrors: number;
  /** checks not judged (their step's action or precondition failed) */
  checksUnjudged: number;
}

export function statusOf(r: CheckResult): NonNullable<CheckResult['status']> {
  return r.status ?? (r.pass ? 'pass' : 'fail');
}

const issueText = (k: KnownIssue) => `${k.summary} (seen in ${k.seenIn})`;

export function checkLine(r: CheckResult, c: Colors, strict = false): string {
  const st = statusOf(r);
  const tag = { pass: c.green('PASS'), fail: c.red('FAIL'), xfail: c.yellow('XFAIL'), xpass: c.yellow('XPASS'), error: c.red('ERROR'), unjudged: c.yellow('UNJUDGED') }[st];
  const head = `${tag}${st.length > 4 ? ' ' : '  '}${r.id}${r.row ? c.dim(`  (${r.row})`) : ''}`;
  if (st === 'pass') return head;
  const lines = [head];
  if (st === 'unjudged') {
    lines.push(c.yellow(`      not judged: ${r.notJudged ?? 'not judged'}`));
    if (r.knownIssue) lines.push(c.dim(`      known issue: ${issueText(r.knownIssue)}`));
    return lines.join('\n');
  }
  if (st === 'xpass') {
    lines.push(c.green(`      known issue looks fixed: ${issueText(r.knownIssue!)}; drop its knownIssue from scenarios.json once confirmed`));
    if (strict) lines.push(c.red('      STRICT=1: an XPASS counts as a failure'));
    return lines.join('\n');
  }
  lines.push(`      expected: ${r.expected}`, `      actual:   ${r.actual}`);
  if (st === 'error') {
    // a troubleshooting hint is about the target; an unreadable output says nothing of it yet
    lines.push(c.red('      not judged: the toolkit could not read this evidence (the run ends with exit 3)'));
    if (r.evidence) lines.push(`      see:      ${r.evidence}`);
    return lines.join('\n');
  }
  if (st === 'xfail') {
    lines.push(c.yellow(`      known issue: ${issueText(r.knownIssue!)}`));
    if (strict) lines.push(c.red('      STRICT=1: an XFAIL counts as a failure'));
  }
  if (r.evidence) lines.push(`      see:      ${r.evidence}`);
  if (r.hint) lines.push(c.yellow(`      hint:     ${r.hint.symptom} → ${r.hint.cause}: ${r.hint.fix}`));
  if (r.realSystem) lines.push(c.dim(`      note:     ${r.realSystem}`));
  return lines.join('\n');
}

/** The line that says a scenario was skipped (or, with REQUIRE, failed for lack of a capability). */
export function skipLine(s: ScenarioReport, c: Colors): string {
  return `${c.yellow('SKIP')}  Test ${s.id}: ${s.skip?.reason ?? 'skipped'}${c.dim(`  (REQUIRE=${s.skip?.capability ?? '...'} makes this a failure)`)}`;
}

export function summarize(scenarios: ScenarioReport[]): Summary {
  const checks = scenarios.flatMap((s) => s.checks);
  const count = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length;
  return {
    scenarios: scenarios.length,
    passed: count(scenarios, (s) => s.status === 'passed'),
    failed: count(scenarios, (s) => s.status === 'failed'),
    xfail: count(scenarios, (s) => s.status === 'xfail'),
    xpass: count(scenarios, (s) => s.status === 'xpass'),
    skipped: count(scenarios, (s) => s.status === 'skipped'),
    errors: count(scenarios, (s) => s.status === 'error'),
    checks: checks.length,
    checksFailed: count(checks, (r) => statusOf(r) === 'fail'),
    checksXfail: count(checks, (r) => statusOf(r) === 'xfail'),
    checksXpass: count(checks, (r) => statusOf(r) === 'xpass'),
    checksErrors: count(checks, (r) => statusOf(r) === 'error'),
    checksUnjudged: count(checks, (r) => statusOf(r) === 'unjudged'),
  };
}

/**
 * 0 all passed (XFAIL, XPASS and SKIPPED included unless STRICT); 1 a check failed; else the
 * highest error code (2 usage, 3 environment: also a check whose evidence could not be read).
 */
export function exitCodeOf(scenarios: ScenarioReport[], errorCodes: number[], strict = false): number {
  const unreadable = scenarios.some((s) => s.checks.some((c) => statusOf(c) === 'error'));
  const codes = unreadable ? [...errorCodes, 3] : errorCodes;
  if (codes.length) return Math.max(...codes);
  return scenarios.some((s) => failsRun(s.status, strict)) ? 1 : 0;
}

export function summaryLine(r: RunReport): string {
  const s = r.summary;
  const errors = s.checksErrors ?? 0;
  const unjudged = s.checksUnjudged ?? 0;
  const extra = [s.checksXfail ? `${s.checksXfail} xfail` : '', s.checksXpass ? `${s.checksXpass} xpass` : '', errors ? `${errors} error (evidence not readable)` : '', unjudged ? `${unjudged} not judged` : ''].filter(Boolean);
  const tests = [
    s.xfail ? `${s.xfail} xfail` : '', s.xpass ? `${s.xpass} xpass` : '', s.skipped ? `${s.skipped} skipped` : '',
    s.errors ? `${s.errors} could not run` : '',
  ].filter(Boolean);
  // the first line starts with "N passed, N failed" so that CI log readers recognise it
  return `${s.checks - s.checksFailed - s.checksXfail - s.checksXpass - errors - unjudged} passed, ${s.checksFailed} failed${extra.length ? `, ${extra.join(', ')}` : ''}\n` +
    `${s.passed}/${s.scenarios} tests passed${tests.length ? `, ${tests.join(', ')}` : ''} (${r.mode}; target: ${r.target.label}${r.strict ? '; STRICT=1' : ''})`;
}

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!)
    // XML 1.0 forbids most control characters
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

export function toJunit(r: RunReport): string {
  const strict = !!r.strict;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  // an errored or skipped scenario gets one extra testcase carrying why; so does a scenario's
  // own known issue (XFAIL: skipped; XPASS: passed, or failed with STRICT)
  const issueCase = (s: ScenarioReport) => !!s.knownIssue && (s.status === 'xfail' || s.status === 'xpass');
  // an error of the checks themselves (unreadable evidence) is on those checks' own testcases
  const checkErrors = (s: ScenarioReport) => s.checks.filter((c) => statusOf(c) === 'error').length;
  const runError = (s: ScenarioReport) => s.status === 'error' && checkErrors(s) === 0;
  const errors = (s: ScenarioReport) => checkErrors(s) + (runError(s) ? 1 : 0);
  const extraCase = (s: ScenarioReport) => (runError(s) || s.status === 'skipped' ? 1 : 0) + (issueCase(s) ? 1 : 0);
  const testcases = (s: ScenarioReport) => s.checks.length + extraCase(s);
  const failing = (c: CheckResult) => statusOf(c) === 'fail' || (strict && (statusOf(c) === 'xfail' || statusOf(c) === 'xpass'));
  const skipping = (c: CheckResult) => (!strict && statusOf(c) === 'xfail') || statusOf(c) === 'unjudged';
  const total = r.scenarios.reduce((n, s) => n + testcases(s), 0);
  const all = r.scenarios.flatMap((s) => s.checks);
  const issueFails = (s: ScenarioReport) => issueCase(s) && strict;
  const issueSkips = (s: ScenarioReport) => issueCase(s) && !strict && s.status === 'xfail';
  const skippedTotal = all.filter(skipping).length + r.scenarios.filter((s) => s.status === 'skipped' || issueSkips(s)).length;
  const failuresTotal = all.filter(failing).length + r.scenarios.filter(issueFails).length;
  out.push(`<testsuites name="pv-ipam-tests (${xml(r.target.label)})" tests="${total}" failures="${failuresTotal}" errors="${r.scenarios.reduce((n, s) => n + errors(s), 0)}" skipped="${skippedTotal}">`);
  for (const s of r.scenarios) {
    const failures = s.checks.filter(failing).length + (issueFails(s) ? 1 : 0);
    const skipped = s.checks.filter(skipping).length + (s.status === 'skipped' || issueSkips(s) ? 1 : 0);
    out.push(`  <testsuite name="Test ${xml(s.id)}: ${xml(s.title)}" tests="${testcases(s)}" failures="${failures}" errors="${errors(s)}" skipped="${skipped}" time="${(s.durationMs / 1000).toFixed(3)}">`);
    out.push(`    <properties><property name="target" value="${xml(r.target.name)}"/><property name="target.label" value="${xml(r.target.label)}"/><property name="mode" value="${r.mode}"/>${s.knownIssue ? `<property name="knownIssue" value="${xml(issueText(s.knownIssue))}"/>` : ''}</properties>`);
    if (runError(s)) {
      out.push(`    <testcase classname="test-${xml(s.id)}" name="run"><error message="${xml(s.error ?? 'error')}"/></testcase>`);
    }
    if (s.status === 'skipped') {
      out.push(`    <testcase classname="test-${xml(s.id)}" name="requires ${xml(s.skip?.capability ?? '?')}"><skipped message="${xml(s.skip?.reason ?? 'skipped')}"/></testcase>`);
    }
    if (issueCase(s)) {
      const msg = `${s.status === 'xfail' ? 'XFAIL known issue' : 'XPASS known issue looks fixed'}: ${issueText(s.knownIssue!)}`;
      const inner = strict ? `<failure message="${xml(`${msg} (STRICT=1)`)}" type="known-issue"/>` : s.status === 'xfail' ? `<skipped message="${xml(msg)}"/>` : `<system-out>${xml(msg)}</system-out>`;
      out.push(`    <testcase classname="test-${xml(s.id)}" name="known issue">${inner}</testcase>`);
    }
    for (const c of s.checks) {
      const st = statusOf(c);
      out.push(`    <testcase classname="test-${xml(s.id)}.${xml(c.step)}" name="${xml(c.id)}${c.row ? ` — ${xml(c.row)}` : ''}">`);
      const body = [`expected: ${c.expected}`, `actual:   ${c.actual}`];
      if (c.evidence) body.push(`see:      ${c.evidence}`);
      if (c.hint) body.push(`hint:     ${c.hint.symptom} → ${c.hint.cause}: ${c.hint.fix}`);
      if (st === 'error') {
        out.push(`      <error message="${xml(`${c.id}: evidence could not be read: ${c.actual}`)}" type="${xml(c.kind)}">${xml(body.join('\n'))}</error>`);
      } else if (st === 'fail') {
        out.push(`      <failure message="${xml(`${c.id}: expected ${c.expected}`)}" type="${xml(c.kind)}">${xml(body.join('\n'))}</failure>`);
      } else if (st === 'xfail') {
        const msg = `XFAIL known issue: ${issueText(c.knownIssue!)}`;
        if (strict) out.push(`      <failure message="${xml(`${msg} (STRICT=1)`)}" type="${xml(c.kind)}">${xml(body.join('\n'))}</failure>`);
        else out.push(`      <skipped message="${xml(msg)}"/>`);
      } else if (st === 'unjudged') {
        out.push(`      <skipped message="${xml(`not judged: ${c.notJudged ?? 'not judged'}`)}"/>`);
      } else if (st === 'xpass') {
        const msg = `XPASS known issue looks fixed: ${issueText(c.knownIssue!)}`;
        if (strict) out.push(`      <failure message="${xml(`${msg} (STRICT=1)`)}" type="${xml(c.kind)}"/>`);
        else out.push(`      <system-out>${xml(msg)}</system-out>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
