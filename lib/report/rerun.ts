/** `make rerun REPORT=...`: which scenarios of an earlier run to run again. */
import type { RunReport } from './model.ts';
import { failsRun } from '../judge/verdict.ts';

/**
 * The ids of the scenarios that made that run fail, in the run's order: those that failed or
 * could not run, and, when it ran with STRICT=1, those whose XFAIL or XPASS failed it.
 */
export function idsToRerun(report: RunReport): string[] {
  return report.scenarios.filter((s) => s.status === 'error' || failsRun(s.status, !!report.strict)).map((s) => s.id);
}
