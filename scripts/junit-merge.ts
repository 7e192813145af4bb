/**
 * junit-merge: merges the JUnit files of several runs (e.g. one per CI matrix job) into one.
 *   make junit-merge REPORTS="a/junit.xml b/junit.xml" OUT=merged.xml
 *   tsx scripts/junit-merge.ts [--out merged.xml] a/junit.xml b/junit.xml
 * A directory in REPORTS stands for every junit.xml under it.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mergeJunit } from '../lib/junit-merge.ts';
import { UsageError } from '../lib/errors.ts';
import { isMain, main, say, shellQuote } from './shared/common.ts';

/** Every junit.xml under a directory, sorted, or the file itself. */
export function junitFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((f) => f === 'junit.xml' || f.endsWith('/junit.xml'))
    .sort()
    .map((f) => `${path.replace(/\/$/, '')}/${f}`);
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
    const files = inputs.flatMap(junitFiles);
    if (!files.length) throw new UsageError(`no junit.xml under ${inputs.join(' ')}`);
    const merged = mergeJunit(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, merged);
    const totals = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/.exec(merged)!;
    say(`${shellQuote(out)}: ${files.length} file(s), ${(merged.match(/<testsuite\b/g) ?? []).length} testsuite(s), ${totals[1]} tests, ${totals[2]} failures, ${totals[3]} errors, ${totals[4]} skipped`);
  });
}
