/**
 * Merges JUnit files (as lib/report.ts toJunit writes them, one per CI job) into one
 * `<testsuites>` holding every `<testsuite>`, verbatim and in the order given, with the
 * totals recomputed. Pure: texts in, text out.
 */
import { UsageError } from './errors.ts';
import { summarize, type RunReport } from './report.ts';

export interface JunitSuite {
  /** the `<testsuite ...>...</testsuite>` element as it was */
  xml: string;
  name: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export interface JunitFile { name?: string; suites: JunitSuite[] }

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/** A count attribute, or the number of `<element` inside the suite when it is absent. */
function count(a: Record<string, string>, attr: string, body: string, element: string): number {
  const n = Number(a[attr]);
  if (a[attr] !== undefined && Number.isInteger(n) && n >= 0) return n;
  return (body.match(new RegExp(`<${element}\\b`, 'g')) ?? []).length;
}

export function parseJunit(text: string, file = 'junit.xml'): JunitFile {
  const body = text.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const root = /<testsuites\b([^>]*?)(\/?)>/.exec(body);
  if (!root && !/<testsuite\b/.test(body)) throw new UsageError(`${file} is not a JUnit file (no <testsuites> or <testsuite>)`);
  const suites: JunitSuite[] = [];
  for (const m of body.matchAll(/<testsuite\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testsuite>)/g)) {
    const a = attrs(m[1]);
    const inner = m[2] ?? '';
    suites.push({
      xml: m[0],
      name: unescapeXml(a.name ?? ''),
      tests: count(a, 'tests', inner, 'testcase'),
      failures: count(a, 'failures', inner, 'failure'),
      errors: count(a, 'errors', inner, 'error'),
      skipped: count(a, 'skipped', inner, 'skipped'),
    });
  }
  // a file cut short (an upload that stopped, a full disk) is refused, not counted: every
  // testsuite and testcase opened is closed, and the document ends with its root's end tag
  const opened = (body.match(/<testsuite\b/g) ?? []).length;
  const cases = (x: string) => (x.match(/<testcase\b/g) ?? []).length === (x.match(/<\/testcase>|<testcase\b[^>]*\/>/g) ?? []).length;
  const end = body.trimEnd();
  const closed = root ? root[2] === '/' || end.endsWith('</testsuites>') : end.endsWith('</testsuite>') || end.endsWith('/>');
  if (opened !== suites.length || !closed || !suites.every((x) => cases(x.xml))) {
    throw new UsageError(`${file} is not a whole JUnit file (truncated? ${!closed ? `it does not end with ${root ? '</testsuites>' : '</testsuite>'}` : 'an element is not closed'})`);
  }
  const name = root ? attrs(root[1]).name : undefined;
  return { name: name === undefined ? undefined : unescapeXml(name), suites };
}

/** One JUnit document with every suite of every file. */
export function mergeJunit(files: { file: string; text: string }[]): string {
  if (!files.length) throw new UsageError('no JUnit files to merge');
  const parsed = files.map((f) => parseJunit(f.text, f.file));
  const suites = parsed.flatMap((p) => p.suites);
  const names = [...new Set(parsed.map((p) => p.name).filter((n): n is string => !!n))];
  const name = names.length === 1 ? names[0] : names.length ? `pv-ipam-tests (merged: ${names.join('; ')})` : 'pv-ipam-tests';
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s[k], 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="${escapeXml(name)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}">`);
  for (const s of suites) out.push(`  ${s.xml.trim()}`);
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/**
 * The report.json files of several runs (one per CI job) as one run report, for toJunit to
 * render once: every scenario in the order given, the summary and the exit status recomputed.
 * A file that is not a whole pv-ipam-tests report (cut short, another tool's) is a usage error.
 */
export function mergeReports(files: { file: string; text: string }[]): RunReport {
  if (!files.length) throw new UsageError('no report.json files to merge');
  const reports = files.map(({ file, text }) => {
    let r: Partial<RunReport>;
    try {
      r = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${file} is not valid JSON (truncated? ${(e as Error).message})`);
    }
    if (!r || r.tool !== 'pv-ipam-tests' || !Array.isArray(r.scenarios) || !r.target) throw new UsageError(`${file} is not a pv-ipam-tests report.json`);
    return r as RunReport;
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
