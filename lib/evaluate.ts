/** Evaluates the checks of a scenario against captured step states (live or from a bundle). */
import { type EvalContext, evaluateCheck } from './checks/index.ts';
import type { StepState } from './bundle.ts';
import type { Check, Hint, KnownIssue, PlanFile, Scenario, Step } from './scenarios.ts';
import type { CheckStatus } from './statuses.ts';

export interface CheckResult {
  id: string;
  scenario: string;
  step: string;
  kind: string;
  row?: string;
  pass: boolean;
  expected: string;
  actual: string;
  hint?: Hint;
  realSystem?: string;
  /** pass | fail | xfail | xpass | error | unjudged (lib/verdict.ts); absent = pass ? pass : fail */
  status?: CheckStatus;
  /** why an unjudged check was not judged */
  notJudged?: string;
  knownIssue?: KnownIssue;
  /** what to type to see the evidence (set on FAIL and XFAIL results) */
  evidence?: string;
  /** set on a failure no wait can undo (a log line that is there stays): no re-check window for it */
  final?: true;
  /** the evidence it reads could not be read (quoted in `actual`): status error, never pass or fail */
  error?: true;
  /** what the check saw in its kind's terms (Outcome.observed), until the verdict matched it against a known issue's failure (dropped then) */
  observed?: unknown;
}

/**
 * A check's result: the one place one is made, from what the check is (its id, scenario, step,
 * kind and row) and what was found (judged by its kind, missing from a bundle, or not judged).
 */
export function checkResult(c: Check, scenario: string, step: string, found: Omit<CheckResult, 'id' | 'scenario' | 'step' | 'kind' | 'row'>): CheckResult {
  return { id: c.id, scenario, step, kind: c.kind, row: c.row, ...found };
}

export function evaluateChecks(checks: Check[], scenarioId: string, steps: Record<string, StepState>, step: string, plan?: PlanFile): CheckResult[] {
  const ctx: EvalContext = { steps, step };
  return checks.map((c) => {
    const o = evaluateCheck(c, ctx);
    return checkResult(c, scenarioId, step, {
      pass: o.pass,
      expected: o.expected,
      actual: o.actual,
      hint: c.hint && plan ? plan.troubleshooting[c.hint] : undefined,
      realSystem: c.realSystem,
      ...(!o.pass && o.final && !o.error ? { final: true as const } : {}),
      ...(o.error ? { pass: false, error: true as const } : {}),
      ...(o.observed !== undefined && !o.error ? { observed: o.observed } : {}),
    });
  });
}

/** The checks of `steps`, not judged (`why`: e.g. the step's action failed): status unjudged. */
export function unjudgedChecks(steps: Step[], scenarioId: string, why: string): CheckResult[] {
  return steps.flatMap((st) => st.checks.map((c) => checkResult(c, scenarioId, st.id, { pass: false, status: 'unjudged', notJudged: why, expected: c.row ?? c.kind, actual: 'not judged' })));
}

export function evaluateStep(scenario: Scenario, step: Step, steps: Record<string, StepState>, plan?: PlanFile): CheckResult[] {
  return evaluateChecks(step.checks, scenario.id, steps, step.id, plan);
}

/** Every check of every step, as an offline verify of a bundle does. */
export function evaluateScenario(scenario: Scenario, resolvedSteps: Step[], steps: Record<string, StepState>, plan?: PlanFile): CheckResult[] {
  return resolvedSteps.flatMap((step) => {
    if (!steps[step.id]) {
      return step.checks.map((c) =>
        checkResult(c, scenario.id, step.id, {
          pass: false,
          expected: `state of step '${step.id}'`,
          actual: `bundle has no '${step.id}' step`,
          hint: c.hint && plan ? plan.troubleshooting[c.hint] : undefined,
          realSystem: c.realSystem,
        })
      );
    }
    return evaluateStep(scenario, step, steps, plan);
  });
}

export function allPass(results: { pass: boolean }[]): boolean {
  return results.every((r) => r.pass);
}

/** Every check passes or has failed for good: re-checking cannot change the verdict. */
export function allSettled(results: { pass: boolean; final?: boolean }[]): boolean {
  return results.every((r) => r.pass || r.final);
}
