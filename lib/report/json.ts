/** The JSON renderer: a run report as report.json, and report.json read back. Pure. */
import { UsageError } from '../tooling/errors.ts';
import { isJsonObject, parseJsonBounded } from '../parse/json-bounded.ts';
import type { ReportFormat, RunReport } from './model.ts';
import { reportShapeProblem } from './report-schema.ts';

export function toJson(r: RunReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** report.json, one of the files a run writes (formats.gen.ts). */
export const FORMAT: ReportFormat = { file: 'report.json', render: toJson };

/**
 * A report.json read back, parsed once within the JSON bounds (lib/parse/json-bounded.ts) and
 * checked against its shape (lib/report/report-schema.ts). A file that is not a whole
 * pv-ipam-tests report (cut short, another tool's, the right `tool` but another shape) is a
 * usage error naming it and, for a shape, the first field that is wrong.
 */
export function fromJson(text: string, file = 'report.json'): RunReport {
  const parsed = parseJsonBounded(text);
  if ('problem' in parsed) {
    throw new UsageError(`${file} is ${parsed.problem.startsWith('not valid JSON') ? `not valid JSON (truncated? ${parsed.problem.slice(16, -1)})` : parsed.problem}`);
  }
  const r = parsed.value;
  if (!isJsonObject(r) || r.tool !== 'pv-ipam-tests') throw new UsageError(`${file} is not a pv-ipam-tests report.json`);
  const problem = reportShapeProblem(r);
  if (problem) throw new UsageError(`${file} is not a pv-ipam-tests report.json of this version: ${problem}`);
  return r as unknown as RunReport;
}
