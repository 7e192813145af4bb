/** The JUnit renderer: a run report as one JUnit XML document. Pure: returns a string. */
import type { CheckResult } from '../judge/evaluate.ts';
import { issueText, type ReportFormat, type RunReport, type ScenarioReport, statusOf } from './model.ts';
import { terminalSafe } from './terminal.ts';

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!)
    // XML 1.0 forbids most control characters
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    // what XML can hold but a CI page or a terminal would act on (DEL, C1 such as CSI, bidi
    // overrides) is shown escaped, as on the console (terminal.ts)
    // deno-lint-ignore no-control-regex
    .replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, terminalSafe);
}

/** The counts of a `<testsuite>` (or, summed, of the `<testsuites>` root). */
export interface JunitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

// an errored or skipped scenario gets one extra testcase carrying why; so does a scenario's
// own known issue (XFAIL: skipped; XPASS: passed, or failed with STRICT)
const issueCase = (s: ScenarioReport) => !!s.knownIssue && (s.status === 'xfail' || s.status === 'xpass');
// an error of the checks themselves (unreadable evidence) is on those checks' own testcases
const checkErrors = (s: ScenarioReport) => s.checks.filter((c) => statusOf(c) === 'error').length;
const runError = (s: ScenarioReport) => s.status === 'error' && checkErrors(s) === 0;

/** What one scenario's `<testsuite>` counts; STRICT=1 makes XFAIL and XPASS failures. */
export function suiteCounts(s: ScenarioReport, strict: boolean): JunitCounts {
  const failing = (c: CheckResult) => statusOf(c) === 'fail' || (strict && (statusOf(c) === 'xfail' || statusOf(c) === 'xpass'));
  const skipping = (c: CheckResult) => (!strict && statusOf(c) === 'xfail') || statusOf(c) === 'unjudged';
  const issueFails = issueCase(s) && strict;
  const issueSkips = issueCase(s) && !strict && s.status === 'xfail';
  const extraCase = (runError(s) || s.status === 'skipped' ? 1 : 0) + (issueCase(s) ? 1 : 0);
  return {
    tests: s.checks.length + extraCase,
    failures: s.checks.filter(failing).length + (issueFails ? 1 : 0),
    errors: checkErrors(s) + (runError(s) ? 1 : 0),
    skipped: s.checks.filter(skipping).length + (s.status === 'skipped' || issueSkips ? 1 : 0),
  };
}

/** The counts of the whole document (its `<testsuites>` root): every suite's, summed. */
export function junitTotals(r: RunReport): JunitCounts {
  const total: JunitCounts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of r.scenarios) {
    const c = suiteCounts(s, !!r.strict);
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
  }
  return total;
}

export function toJunit(r: RunReport): string {
  const strict = !!r.strict;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const t = junitTotals(r);
  out.push(`<testsuites name="pv-ipam-tests (${xml(r.target.label)})" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}">`);
  for (const s of r.scenarios) {
    const n = suiteCounts(s, strict);
    out.push(
      `  <testsuite name="Test ${xml(s.id)}: ${xml(s.title)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${(s.durationMs / 1000).toFixed(3)}">`,
    );
    out.push(
      `    <properties><property name="target" value="${xml(r.target.name)}"/><property name="target.label" value="${xml(r.target.label)}"/><property name="mode" value="${r.mode}"/>${
        s.pantavisor ? `<property name="pantavisor" value="${xml(s.pantavisor)}"/>` : ''
      }${s.knownIssue ? `<property name="knownIssue" value="${xml(issueText(s.knownIssue))}"/>` : ''}${
        s.device ? `<property name="device.form" value="${xml(s.device.note ?? s.device.form)}"/>` : ''
      }</properties>`,
    );
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

/** junit.xml, one of the files a run writes (formats.gen.ts). */
export const FORMAT: ReportFormat = { file: 'junit.xml', render: toJunit };
