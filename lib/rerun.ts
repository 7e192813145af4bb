/** `make rerun REPORT=...`: which scenarios of an earlier run to run again. */
import { fromJson } from './report/json.ts';
import type { RunReport } from './report/model.ts';
import { failsRun } from './verdict.ts';

/**
 * The ids of the scenarios that made that run fail, in the run's order: those that failed or
 * could not run, and, when it ran with STRICT=1, those whose XFAIL or XPASS failed it.
 */
export function idsToRerun(report: RunReport): string[] {
  return report.scenarios.filter((s) => s.status === 'error' || failsRun(s.status, !!report.strict)).map((s) => s.id);
}

/** Parses a report.json text (bounded, its shape checked: lib/report/json.ts), with a one-line error for anything else. */
export function parseRunReport(text: string, file: string): RunReport {
  return fromJson(text, file);
}
