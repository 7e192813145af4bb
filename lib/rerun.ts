/** `make rerun REPORT=...`: which scenarios of an earlier run to run again. */
import { UsageError } from './errors.ts';
import type { RunReport } from './report/model.ts';

/** The ids of the scenarios that failed or could not run, in the run's order. */
export function idsToRerun(report: RunReport): string[] {
  return report.scenarios.filter((s) => s.status === 'failed' || s.status === 'error').map((s) => s.id);
}

/** Parses a report.json text, with a one-line error for anything else. */
export function parseRunReport(text: string, file: string): RunReport {
  let r: RunReport;
  try {
    r = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
  if (r?.tool !== 'pv-ipam-tests' || !Array.isArray(r.scenarios)) throw new UsageError(`${file} is not a pv-ipam-tests report.json`);
  return r;
}
