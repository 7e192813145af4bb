/**
 * From check outcomes to verdicts: known issues (XFAIL/XPASS), skipped scenarios (a capability
 * the target lacks) and what each counts for with STRICT=1 and REQUIRE=<capability>.
 *   check:    pass | fail | xfail (failed, as a known issue says) | xpass (passed despite one)
 *             | error (its evidence could not be read: not judged, whatever a known issue says)
 *             | unjudged (not judged: its step's action failed, or its precondition did)
 *   scenario: passed | failed | xfail | xpass | skipped | error
 * A check's knownIssue turns its own failure into XFAIL and its pass into XPASS (into PASS when
 * the issue is intermittent: a race that did not show this time says nothing of a fix). A scenario's
 * knownIssue names the checks it explains: those turn XFAIL when they fail (PASS when they
 * pass); any other check of the scenario fails as usual. When all of them pass, the scenario
 * is XPASS: the issue looks fixed (PASSED when the issue is intermittent).
 * A known issue excuses only its own failure: a failing check is XFAIL only when what it saw
 * (Outcome.observed) matches the issue's `failure` (on a scenario, `failures[check id]`) in its
 * kind's words (lib/checks/<kind>.ts knownFailure); any other failure (no rule at all, no
 * evidence file, another line) is a FAIL saying which failure the issue expects. Evidence that
 * could not be read stays an ERROR.
 * A check's known issue only looks fixed when the other checks of its step passed: in a step
 * where a plain check failed (its precondition: pantavisor was never killed, say), the passing
 * known-issue check is UNJUDGED, with the failed checks named, never XPASS.
 */
import type { CheckResult } from './evaluate.ts';
import { kindOf } from './checks/index.ts';
import { type CapabilityProbe, isCommandProbe } from './capabilities.ts';
import type { KnownIssue, PlanFile, Scenario } from './scenarios.ts';

import type { CheckStatus, ScenarioStatus } from './statuses.ts';
export type { CheckStatus, ScenarioStatus } from './statuses.ts';

/**
 * A check's status from its pass and the known issue over it (its own, or its scenario's);
 * `matches`: whether its failure is the one the issue describes (a failure that is not: FAIL).
 */
export function checkStatus(pass: boolean, own?: KnownIssue, scenarioIssue?: KnownIssue, matches = true): CheckStatus {
  if (!pass && (own || scenarioIssue) && !matches) return 'fail';
  if (own) return pass ? (own.intermittent ? 'pass' : 'xpass') : 'xfail';
  if (scenarioIssue && !pass) return 'xfail';
  return pass ? 'pass' : 'fail';
}

/** The failure a known issue describes for check `id`: its own `failure`, or its scenario's `failures[id]`. */
export function describedFailure(id: string, own?: KnownIssue, scenarioIssue?: KnownIssue): object | undefined {
  return own ? own.failure : scenarioIssue?.failures?.[id];
}

/**
 * Whether a failing check's result is the failure its known issue describes, or the words that
 * say which failure the issue expects (for the FAIL line).
 */
export function failureMatch(r: CheckResult, failure: object | undefined): true | string {
  const known = kindOf(r.kind)?.knownFailure;
  if (!known || failure === undefined) return `its known issue describes no failure for a ${r.kind} check`;
  return known.matches(failure, r.observed) ? true : `not the known issue's failure (${known.describe(failure)})`;
}

/** Results with their status and the known issue that shaped it (`observed` is dropped: it served the match). */
export function withStatus(results: CheckResult[], scenario: Scenario, issueOf: (id: string) => KnownIssue | undefined): CheckResult[] {
  const judged = results.map(({ observed: _observed, ...r }) => {
    if (r.status === 'unjudged') return r;
    const own = issueOf(r.id);
    const scenarioIssue = scenario.knownIssue?.checks?.includes(r.id) ? scenario.knownIssue : undefined;
    // a version gate (lib/version-gate.ts) excuses any failure of its checks: on a version older
    // than its ref, the expectation does not exist; every other known issue must match its failure
    const gate = !own && scenarioIssue?.beforeSince !== undefined;
    const match = !r.pass && !r.error && !gate && (own || scenarioIssue) ? failureMatch({ ...r, observed: _observed }, describedFailure(r.id, own, scenarioIssue)) : true;
    const status = r.error ? 'error' : checkStatus(r.pass, own, scenarioIssue, match === true);
    const knownIssue = status === 'xfail' || status === 'xpass' ? own ?? scenarioIssue : undefined;
    return { ...r, status, ...(match !== true ? { actual: `${r.actual}; ${match}` } : {}), ...(knownIssue ? { knownIssue } : {}) };
  });
  return judged.map((r) => {
    if (r.status !== 'xpass') return r;
    const failed = judged.filter((o) => o.step === r.step && (o.status === 'fail' || o.status === 'error')).map((o) => o.id);
    if (!failed.length) return r;
    return { ...r, status: 'unjudged', notJudged: preconditionFailed(r.step, failed) };
  });
}

/** Why a known issue is not judged: the step's other checks, its precondition, failed. */
export function preconditionFailed(step: string, failed: string[]): string {
  return `its step '${step}' failed its precondition (${failed.join(', ')}), so the known issue cannot look fixed`;
}

/** Why the checks of a step whose action failed (the scenario's ERROR line says how) are not judged. */
export function actionFailed(step: string): string {
  return `the action of step '${step}' failed (see the ERROR line)`;
}

export function scenarioStatus(results: CheckResult[], scenario: Scenario): ScenarioStatus {
  const st = results.map((r) => r.status ?? (r.error ? 'error' : r.pass ? 'pass' : 'fail'));
  // evidence that could not be read: the toolkit did not do its part, so nothing is said of the target
  if (st.includes('error')) return 'error';
  if (st.includes('fail')) return 'failed';
  if (st.includes('xfail')) return 'xfail';
  if (st.includes('xpass') || (scenario.knownIssue && !scenario.knownIssue.intermittent)) return 'xpass';
  return 'passed';
}

/** The scenario's error line when checks could not read their evidence (quoted), else undefined. */
export function unreadableEvidence(results: CheckResult[]): string | undefined {
  const errors = results.filter((r) => r.status === 'error' || r.error);
  if (!errors.length) return undefined;
  return `evidence could not be read: ${errors.map((r) => `${r.id}: ${r.actual}`).join('; ')}`;
}

/** Whether a scenario status fails the run: failed always; xfail/xpass only with STRICT. */
export function failsRun(status: ScenarioStatus, strict: boolean): boolean {
  return status === 'failed' || (strict && (status === 'xfail' || status === 'xpass'));
}

export { requiredCapabilities } from './capabilities.ts';

/** The line that says a scenario was skipped, with the results quoted as evidence. */
export function skipReason(capability: string, absent: string, evidence: CheckResult[]): string {
  const quoted = evidence.map((e) => `${e.id}: ${e.actual}`).join('; ');
  return `requires ${capability}: ${absent}${quoted ? ` (${quoted})` : ''}`;
}

export interface Judgement {
  status: ScenarioStatus;
  checks: CheckResult[];
  skip?: { capability: string; reason: string; evidence: CheckResult[] };
  /** status error: which checks could not read their evidence, quoted */
  error?: string;
}

/**
 * The scenario's verdict: a required capability that was found absent skips it (or fails it
 * under REQUIRE), quoting its skipEvidence checks; otherwise its checks with known issues applied.
 */
export function judge(plan: PlanFile, scenario: Scenario, results: CheckResult[], probes: Record<string, CapabilityProbe>, require: Set<string>): Judgement {
  const issueOf = (id: string): KnownIssue | undefined => scenario.steps.flatMap((s) => s.checks).find((c) => c.id === id)?.knownIssue;
  for (const id of scenario.requires ?? []) {
    const p = probes[id];
    if (p?.present) continue;
    const cap = plan.capabilities![id];
    const evidence = results.filter((r) => (scenario.skipEvidence ?? []).includes(r.id));
    // a command probe's exit status says something; a missing log line is what `absent` says already
    const absent = !p
      ? 'it was not probed (the bundle has no record of it)'
      : isCommandProbe(cap)
      ? `${cap.absent ?? 'the target lacks it'} (${p.probe}: ${p.seen})`
      : cap.absent ?? `${p.probe}: ${p.seen}`;
    const reason = skipReason(id, absent, evidence);
    if (require.has(id)) {
      const failed: CheckResult = {
        id: `requires-${id}`,
        scenario: scenario.id,
        step: scenario.steps[0].id,
        kind: 'capability',
        pass: false,
        status: 'fail',
        row: `REQUIRE=${id}: ${cap.describe}`,
        expected: `${id} present`,
        actual: reason,
      };
      return { status: 'failed', checks: [failed, ...evidence] };
    }
    return { status: 'skipped', checks: [], skip: { capability: id, reason, evidence } };
  }
  const checks = withStatus(results, scenario, issueOf);
  const error = unreadableEvidence(checks);
  return { status: scenarioStatus(checks, scenario), checks, ...(error ? { error } : {}) };
}
