/**
 * The statuses a check and a scenario end with (decided in verdict.ts; a CheckResult of
 * evaluate.ts carries one). Apart so that evaluate.ts and verdict.ts do not import each other.
 */
export type CheckStatus = 'pass' | 'fail' | 'xfail' | 'xpass' | 'error' | 'unjudged';
export type ScenarioStatus = 'passed' | 'failed' | 'xfail' | 'xpass' | 'skipped' | 'error';
