/**
 * Merges the report.json files of several runs (one per CI job) into one run report, for the
 * JUnit renderer (lib/report/junit.ts) to render once. Pure: texts in, report out.
 *
 * It reads no XML: every run writes its report.json beside its junit.xml, and a JUnit file
 * given instead is refused with a line saying so.
 */
import { UsageError } from '../tooling/errors.ts';
import { fromJson } from './json.ts';
import { type RunReport, summarize } from './model.ts';

/**
 * The report.json files as one run report: every scenario in the order given, the summary and
 * the exit status recomputed. A file that is not a whole pv-ipam-tests report (cut short,
 * another tool's, a junit.xml), or reports with and without STRICT, is a usage error.
 */
export function mergeReports(files: { file: string; text: string }[]): RunReport {
  if (!files.length) throw new UsageError('no report.json files to merge');
  const reports = files.map(({ file, text }) => {
    if (text.trimStart().startsWith('<')) {
      throw new UsageError(`${file} is XML, not a report.json: junit-merge merges the report.json files each run writes beside its junit.xml`);
    }
    return fromJson(text, file);
  });
  const strict = [...new Set(reports.map((r) => !!r.strict))];
  if (strict.length > 1) throw new UsageError('the reports were run with and without STRICT=1; merge those of one kind');
  const labels = [...new Set(reports.map((r) => r.target.label))];
  const names = [...new Set(reports.map((r) => r.target.name))];
  const scenarios = reports.flatMap((r) => r.scenarios);
  const times = (k: 'startedAt' | 'finishedAt') => reports.map((r) => r[k]).sort();
  return {
    ...reports[0],
    target: { name: names.join(', '), label: labels.join('; ') },
    startedAt: times('startedAt')[0],
    finishedAt: times('finishedAt').pop()!,
    exitCode: Math.max(...reports.map((r) => r.exitCode)),
    summary: summarize(scenarios),
    scenarios,
  };
}
