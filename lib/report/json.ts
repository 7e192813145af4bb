/** The JSON renderer: a run report as report.json, and report.json read back. Pure. */
import { UsageError } from '../errors.ts';
import type { RunReport } from './model.ts';

export function toJson(r: RunReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/**
 * A report.json read back. A file that is not a whole pv-ipam-tests report (cut short, another
 * tool's) is a usage error naming it.
 */
export function fromJson(text: string, file = 'report.json'): RunReport {
  let r: Partial<RunReport>;
  try {
    r = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON (truncated? ${(e as Error).message})`);
  }
  if (!r || r.tool !== 'pv-ipam-tests' || !Array.isArray(r.scenarios) || !r.target) throw new UsageError(`${file} is not a pv-ipam-tests report.json`);
  return r as RunReport;
}
