/**
 * Reports: one console line per check, report.json and JUnit XML. Pure: returns strings.
 */
import type { CheckResult } from './evaluate.ts';

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
  /** passed: every check passed; failed: a check failed; error: could not run (exit 2/3) */
  status: 'passed' | 'failed' | 'error';
  error?: string;
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
  summary: { scenarios: number; passed: number; failed: number; errors: number; checks: number; checksFailed: number };
  scenarios: ScenarioReport[];
}

export function checkLine(r: CheckResult, c: Colors): string {
  const tag = r.pass ? c.green('PASS') : c.red('FAIL');
  const head = `${tag}  ${r.id}${r.row ? c.dim(`  (${r.row})`) : ''}`;
  if (r.pass) return head;
  const lines = [head, `      expected: ${r.expected}`, `      actual:   ${r.actual}`];
  if (r.hint) lines.push(c.yellow(`      hint:     ${r.hint.symptom} → ${r.hint.cause}: ${r.hint.fix}`));
  if (r.realSystem) lines.push(c.dim(`      note:     ${r.realSystem}`));
  return lines.join('\n');
}

export function summarize(scenarios: ScenarioReport[]): RunReport['summary'] {
  const checks = scenarios.flatMap((s) => s.checks);
  return {
    scenarios: scenarios.length,
    passed: scenarios.filter((s) => s.status === 'passed').length,
    failed: scenarios.filter((s) => s.status === 'failed').length,
    errors: scenarios.filter((s) => s.status === 'error').length,
    checks: checks.length,
    checksFailed: checks.filter((r) => !r.pass).length,
  };
}

/** 0 all passed; 1 a check failed; otherwise the first error's code (2 usage, 3 environment). */
export function exitCodeOf(scenarios: ScenarioReport[], errorCodes: number[]): number {
  if (errorCodes.length) return Math.max(...errorCodes);
  return scenarios.every((s) => s.status === 'passed') ? 0 : 1;
}

export function summaryLine(r: RunReport): string {
  const s = r.summary;
  // the first line stands alone so that CI log readers recognise it
  return `${s.checks - s.checksFailed} passed, ${s.checksFailed} failed\n` +
    `${s.passed}/${s.scenarios} tests passed${s.errors ? `, ${s.errors} could not run` : ''} (${r.mode}; target: ${r.target.label})`;
}

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!)
    // XML 1.0 forbids most control characters
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

export function toJunit(r: RunReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  // an errored test gets one extra testcase ("run") carrying the error
  const testcases = (s: ScenarioReport) => s.checks.length + (s.status === 'error' ? 1 : 0);
  const total = r.scenarios.reduce((n, s) => n + testcases(s), 0);
  out.push(`<testsuites name="pv-ipam-tests (${xml(r.target.label)})" tests="${total}" failures="${r.summary.checksFailed}" errors="${r.summary.errors}">`);
  for (const s of r.scenarios) {
    const failures = s.checks.filter((c) => !c.pass).length;
    out.push(`  <testsuite name="Test ${xml(s.id)}: ${xml(s.title)}" tests="${testcases(s)}" failures="${failures}" errors="${s.status === 'error' ? 1 : 0}" time="${(s.durationMs / 1000).toFixed(3)}">`);
    out.push(`    <properties><property name="target" value="${xml(r.target.name)}"/><property name="target.label" value="${xml(r.target.label)}"/><property name="mode" value="${r.mode}"/></properties>`);
    if (s.status === 'error') {
      out.push(`    <testcase classname="test-${xml(s.id)}" name="run"><error message="${xml(s.error ?? 'error')}"/></testcase>`);
    }
    for (const c of s.checks) {
      out.push(`    <testcase classname="test-${xml(s.id)}.${xml(c.step)}" name="${xml(c.id)}${c.row ? ` — ${xml(c.row)}` : ''}">`);
      if (!c.pass) {
        const body = [`expected: ${c.expected}`, `actual:   ${c.actual}`];
        if (c.hint) body.push(`hint:     ${c.hint.symptom} → ${c.hint.cause}: ${c.hint.fix}`);
        out.push(`      <failure message="${xml(`${c.id}: expected ${c.expected}`)}" type="${xml(c.kind)}">${xml(body.join('\n'))}</failure>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
