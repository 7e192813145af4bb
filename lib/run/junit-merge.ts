/**
 * junit-merge: one JUnit file for several runs (e.g. one per CI matrix job): their report.json
 * files merged into one run report and rendered once by lib/report/junit.ts.
 *   make junit-merge REPORTS="a/report.json b/report.json" OUT=merged.xml
 *   tsx scripts/junit-merge.ts [--out merged.xml] a/report.json ...
 * A directory in REPORTS stands for every report.json under it. junit.xml files are not read
 * (each run writes its report.json beside its junit.xml).
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mergeReports } from '../junit-merge.ts';
import { junitTotals, toJunit } from '../report/junit.ts';
import { UsageError } from '../errors.ts';
import { switchOn } from '../config.ts';
import { JSON_BOUNDS } from '../parse/json-bounded.ts';
import { Buffer } from 'node:buffer';
import { notCreatable, realPath } from './inputs.ts';
import { say, shellQuote } from './output.ts';

/**
 * The files a REPORTS entry stands for: a file itself; a directory, every report.json under it
 * (sorted), found without following links: a link inside it (`latest -> run1`, a link to `..`)
 * is skipped, so that no report counts twice and no walk leaves the directory. The entry itself
 * may be a link (you named it).
 */
export function inputFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  if (!st.isDirectory()) return [path];
  const found: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      throw new UsageError(`cannot read ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    for (const name of names) {
      const p = `${dir}/${name}`;
      const l = lstatSync(p);
      if (l.isDirectory()) walk(p);
      else if (l.isFile() && name === 'report.json') found.push(p);
    }
  };
  walk(path.replace(/\/+$/, '') || '/');
  return found;
}

/** The first bytes of every JUnit file the toolkit writes (lib/report/junit.ts). */
const OWN_JUNIT = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pv-ipam-tests (';

/**
 * Why OUT may not be written: it exists and is not a JUnit file of this toolkit (FORCE=1
 * overwrites it anyway). A new file, or one junit-merge or a run wrote, is fine.
 */
export function foreignOutput(out: string, force: boolean): string | undefined {
  if (force) return undefined;
  let fd;
  try {
    fd = openSync(out, 'r');
  } catch {
    return undefined; // not there (notCreatable said what else it may be)
  }
  try {
    const head = Buffer.alloc(OWN_JUNIT.length);
    const n = readSync(fd, head, 0, head.length, 0);
    if (head.subarray(0, n).toString('utf8') === OWN_JUNIT) return undefined;
  } finally {
    closeSync(fd);
  }
  return `OUT=${out} exists and is not a JUnit file pv-ipam-tests wrote; give another file name, or FORCE=1 to overwrite it`;
}

/** A report.json's text, refused (one line) when it is not a regular file or over the JSON bound. */
function readReportText(file: string): string {
  const st = statSync(file);
  if (!st.isFile()) throw new UsageError(`${file} is not a regular file`);
  if (st.size > JSON_BOUNDS.bytes) throw new UsageError(`${file} is ${Math.round(st.size / 2 ** 20)} MB, over the ${JSON_BOUNDS.bytes / 2 ** 20} MB a report.json may have`);
  return readFileSync(file, 'utf8');
}

/** make junit-merge: what scripts/junit-merge.ts runs (its arguments: `args`); returns the exit status. */
export async function junitMergeCommand(args: string[]): Promise<number | void> {
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
  const foreign = foreignOutput(out, switchOn('FORCE', process.env.FORCE || '0'));
  if (foreign) throw new UsageError(foreign);
  const report = mergeReports(files.map((file) => ({ file, text: readReportText(file) })));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, toJunit(report));
  const t = junitTotals(report);
  say(`${shellQuote(out)}: ${files.length} file(s), ${report.scenarios.length} testsuite(s), ${t.tests} tests, ${t.failures} failures, ${t.errors} errors, ${t.skipped} skipped`);
}
