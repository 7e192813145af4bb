/**
 * junit-merge: one JUnit file for several runs (e.g. one per CI matrix job).
 *   make junit-merge REPORTS="a/report.json b/report.json" OUT=merged.xml   (rendered once)
 *   make junit-merge REPORTS="a/junit.xml b/junit.xml" OUT=merged.xml       (suites merged)
 *   tsx scripts/junit-merge.ts [--out merged.xml] a/report.json ...
 * A directory in REPORTS stands for every report.json under it (or, with none, every junit.xml).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mergeJunit, mergeReports } from '../lib/junit-merge.ts';
import { toJunit } from '../lib/report.ts';
import { UsageError } from '../lib/errors.ts';
import { isMain, main, notCreatable, realPath, say, shellQuote } from './shared/common.ts';

/**
 * The files a REPORTS entry stands for: a file itself; a directory, every report.json under
 * it (sorted), or, when it has none, every junit.xml.
 */
export function inputFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  if (!st.isDirectory()) return [path];
  const all = readdirSync(path, { recursive: true, encoding: 'utf8' }).sort();
  const named = (n: string) => all.filter((f) => f === n || f.endsWith(`/${n}`)).map((f) => `${path.replace(/\/$/, '')}/${f}`);
  const reports = named('report.json');
  return reports.length ? reports : named('junit.xml');
}

/**
 * One JUnit document: report.json files merged into one run report and rendered once
 * (lib/report.ts toJunit); junit.xml files (another tool's too) merged suite by suite.
 */
export function mergeInputs(files: { file: string; text: string }[]): string {
  const isReport = (f: string) => f.endsWith('.json');
  const reports = files.filter((f) => isReport(f.file));
  if (reports.length === files.length) return toJunit(mergeReports(reports));
  return mergeJunit(files.map((f) => (isReport(f.file) ? { file: f.file, text: toJunit(mergeReports([f])) } : f)));
}

if (isMain(import.meta.url)) {
  await main(async () => {
    const args = process.argv.slice(2);
    let out = process.env.OUT || undefined;
    const inputs: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--out') out = args[++i];
      else inputs.push(args[i]);
    }
    inputs.push(...(process.env.REPORTS ?? '').split(/\s+/).filter(Boolean));
    if (!out) throw new UsageError('where to? set OUT=merged.xml (make junit-merge REPORTS="a/junit.xml b/junit.xml" OUT=merged.xml)');
    if (!inputs.length) throw new UsageError('nothing to merge: set REPORTS="a/junit.xml b/junit.xml" (files or directories)');
    const files = inputs.flatMap(inputFiles);
    if (!files.length) throw new UsageError(`no report.json or junit.xml under ${inputs.join(' ')}`);
    const unusable = notCreatable('OUT', out, 'file');
    if (unusable) throw new UsageError(unusable);
    if (files.some((f) => realPath(f) === realPath(out))) throw new UsageError(`OUT=${out} is one of the files to merge; give another file name`);
    const merged = mergeInputs(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, merged);
    const totals = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/.exec(merged)!;
    say(`${shellQuote(out)}: ${files.length} file(s), ${(merged.match(/<testsuite\b/g) ?? []).length} testsuite(s), ${totals[1]} tests, ${totals[2]} failures, ${totals[3]} errors, ${totals[4]} skipped`);
  });
}
