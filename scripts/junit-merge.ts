/**
 * junit-merge: one JUnit file for several runs (e.g. one per CI matrix job): their report.json
 * files merged into one run report and rendered once by lib/report/junit.ts.
 *   make junit-merge REPORTS="a/report.json b/report.json" OUT=merged.xml
 *   tsx scripts/junit-merge.ts [--out merged.xml] a/report.json ...
 * A directory in REPORTS stands for every report.json under it. junit.xml files are not read
 * (each run writes its report.json beside its junit.xml).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mergeReports } from '../lib/junit-merge.ts';
import { junitTotals, toJunit } from '../lib/report/junit.ts';
import { UsageError } from '../lib/errors.ts';
import { isMain, main, notCreatable, realPath, say, shellQuote } from './shared/common.ts';

/** The files a REPORTS entry stands for: a file itself; a directory, every report.json under it (sorted). */
export function inputFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  if (!st.isDirectory()) return [path];
  const all = readdirSync(path, { recursive: true, encoding: 'utf8' }).sort();
  return all.filter((f) => f === 'report.json' || f.endsWith('/report.json')).map((f) => `${path.replace(/\/$/, '')}/${f}`);
}

if (isMain(import.meta.url, 'junit-merge')) {
  await main(async () => {
    const args = process.argv.slice(2);
    let out = process.env.OUT || undefined;
    const inputs: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--out') out = args[++i];
      else inputs.push(args[i]);
    }
    inputs.push(...(process.env.REPORTS ?? '').split(/\s+/).filter(Boolean));
    if (!out) throw new UsageError('where to? set OUT=merged.xml (make junit-merge REPORTS="a/report.json b/report.json" OUT=merged.xml)');
    if (!inputs.length) throw new UsageError('nothing to merge: set REPORTS="a/report.json b/report.json" (files or directories)');
    const files = inputs.flatMap(inputFiles);
    if (!files.length) throw new UsageError(`no report.json under ${inputs.join(' ')}`);
    const unusable = notCreatable('OUT', out, 'file');
    if (unusable) throw new UsageError(unusable);
    if (files.some((f) => realPath(f) === realPath(out))) throw new UsageError(`OUT=${out} is one of the files to merge; give another file name`);
    const report = mergeReports(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, toJunit(report));
    const t = junitTotals(report);
    say(`${shellQuote(out)}: ${files.length} file(s), ${report.scenarios.length} testsuite(s), ${t.tests} tests, ${t.failures} failures, ${t.errors} errors, ${t.skipped} skipped`);
  });
}
