/**
 * Writes and reads capture bundles on disk (the layout is the fixed contract in README.md):
 * a single-step scenario keeps its files at the top; a multi-step one has a directory per step.
 */
import { closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, type Stats, statSync, truncateSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { type PvLog, PvLogParser } from '../parse/pv-log.ts';
import { type BundleMeta, EXTRA_FILES, FILES } from '../bundle.ts';
import { UsageError } from '../errors.ts';
import { parseBundleMeta } from '../bundle-meta.ts';
import type { Scenario } from '../scenarios.ts';

function stepDir(dir: string, scenario: Scenario, step: string): string {
  return scenario.steps.length > 1 ? `${dir}/${step}` : dir;
}

export function writeBundle(dir: string, scenario: Scenario, files: Record<string, Record<string, string>>, meta: BundleMeta): void {
  mkdirSync(dir, { recursive: true });
  for (const [step, stepFiles] of Object.entries(files)) {
    const d = stepDir(dir, scenario, step);
    mkdirSync(d, { recursive: true });
    for (const [name, text] of Object.entries(stepFiles)) writeFileSync(`${d}/${name}`, text);
  }
  writeFileSync(`${dir}/${EXTRA_FILES.meta}`, JSON.stringify(meta, null, 2) + '\n');
}

/**
 * Writes a live run's bundle: the gathered files, then each step's pantavisor.log as the exact
 * bytes that step judged (streamed from the container, never held in memory whole).
 */
export async function writeLiveBundle(
  dir: string,
  scenario: Scenario,
  files: Record<string, Record<string, string>>,
  meta: BundleMeta,
  logBytes: Record<string, number | undefined>,
  saveLog?: (path: string, bytes: number) => Promise<void>,
): Promise<void> {
  writeBundle(dir, scenario, files, meta);
  if (!saveLog) return;
  // one read of the longest prefix; every step's log is a prefix of it (the log only grows
  // within a launch; a file that shrank was read again from the start, so its prefixes differ)
  const steps = Object.entries(logBytes).filter((e): e is [string, number] => e[1] !== undefined);
  if (!steps.length) return;
  const [longestStep, longest] = steps.reduce((a, b) => (b[1] > a[1] ? b : a));
  const full = `${stepDir(dir, scenario, longestStep)}/${FILES.log}`;
  await saveLog(full, longest);
  const size = statSync(full).size;
  for (const [step, bytes] of steps) {
    if (step === longestStep) continue;
    const path = `${stepDir(dir, scenario, step)}/${FILES.log}`;
    if (bytes <= size) copyPrefix(full, path, bytes);
    else await saveLog(path, bytes);
  }
}

/** Copies the first `bytes` bytes of a file. */
function copyPrefix(from: string, to: string, bytes: number): void {
  copyFileSync(from, to);
  truncateSync(to, bytes);
}

/**
 * Caps on what an offline verify reads from a bundle (README: "Input bounds"): every gathered
 * file but the log is read whole and a real one is a few kB; pantavisor.log is streamed through
 * the parser (a long-running appengine's can be hundreds of MB), and a line of it is bounded.
 */
export const BUNDLE_CAPS = { file: 64 * 2 ** 20, log: 2 ** 30, logLine: 16 * 2 ** 20, meta: 2 ** 20 };

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;

/** A bundle file's text, refused (exit 2, one line) over `cap` bytes. */
function readCapped(path: string, size: number, cap: number): string {
  if (size > cap) throw new UsageError(`${path} is ${mb(size)}, over the ${mb(cap)} a bundle file may have`);
  return readFileSync(path, 'utf8');
}

/** pantavisor.log, streamed through the parser a chunk at a time (never one string). */
function parseLogFile(path: string, size: number): PvLog {
  if (size > BUNDLE_CAPS.log) throw new UsageError(`${path} is ${mb(size)}, over the ${mb(BUNDLE_CAPS.log)} a bundle's pantavisor.log may have`);
  const parser = new PvLogParser();
  const decoder = new StringDecoder('utf8');
  const chunk = Buffer.alloc(4 * 2 ** 20);
  const fd = openSync(path, 'r');
  let sinceNewline = 0;
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) {
      const nl = chunk.subarray(0, n).lastIndexOf(10);
      sinceNewline = nl < 0 ? sinceNewline + n : n - nl - 1;
      if (sinceNewline > BUNDLE_CAPS.logLine) throw new UsageError(`${path} has a line over ${mb(BUNDLE_CAPS.logLine)}: not a pantavisor.log`);
      parser.push(decoder.write(chunk.subarray(0, n)));
    }
    parser.push(decoder.end());
  } finally {
    closeSync(fd);
  }
  return parser.finish();
}

/**
 * What is at `p` inside a bundle, never through a link: a symbolic link (dangling, or to a host
 * file or directory) is refused, one line, exit 2; undefined when nothing is there.
 */
function bundleEntry(p: string): Stats | undefined {
  let st;
  try {
    st = lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new UsageError(`${p} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (st.isSymbolicLink()) throw new UsageError(`${p} is a symbolic link: a bundle holds regular files and directories only, never read through a link`);
  return st;
}

function readDir(d: string): { files: Record<string, string>; log?: PvLog } {
  const files: Record<string, string> = {};
  let log: PvLog | undefined;
  for (const name of readdirSync(d).sort()) {
    const p = `${d}/${name}`;
    // regular files only: a FIFO or a device is not a gathered file; a link is refused
    const st = bundleEntry(p);
    if (!st?.isFile() || name === EXTRA_FILES.meta) continue;
    if (name === FILES.log) log = parseLogFile(p, st.size);
    else files[name] = readCapped(p, st.size, BUNDLE_CAPS.file);
  }
  return { files, log };
}

/**
 * A bundle directory's files per step, and each step's pantavisor.log already parsed (logs;
 * give it to stateFromFiles: the log's text is not among the files), and its meta.json, checked
 * (lib/bundle-meta.ts) before any file is read. SNAPSHOT itself may be a link (the user named
 * it); nothing inside it is read through one.
 */
export function readBundle(dir: string, scenario: Scenario): { files: Record<string, Record<string, string>>; logs: Record<string, { log: PvLog; present: boolean }>; meta: BundleMeta } {
  let top;
  try {
    top = statSync(dir);
  } catch {
    top = undefined;
  }
  if (!top?.isDirectory()) throw new UsageError(`SNAPSHOT=${dir} is not a directory`);
  const metaFile = `${dir}/${EXTRA_FILES.meta}`;
  const metaStat = bundleEntry(metaFile);
  if (!metaStat) {
    // a bundle has its meta.json: without it neither the test, nor the external host, nor the
    // capability probes are known, and a guess would judge (or skip) the wrong thing
    const gathered = (d: string) => Object.values(FILES).some((f) => existsSync(`${d}/${f}`));
    const why = scenario.steps.some((st) => gathered(stepDir(dir, scenario, st.id)))
      ? 'it has gathered files but no meta.json (which test, the external host, the capability probes: a bundle cannot be judged without them)'
      : `no meta.json, no ${FILES.lxcLs}${scenario.steps.length > 1 ? ` in ${scenario.steps[0].id}/` : ''}`;
    throw new UsageError(`SNAPSHOT=${dir} is not a bundle of Test ${scenario.id} (${why}); give a directory make capture-N or a run wrote`);
  }
  if (!metaStat.isFile()) throw new UsageError(`${metaFile} is not a regular file`);
  const meta = parseBundleMeta(readCapped(metaFile, metaStat.size, BUNDLE_CAPS.meta), metaFile);
  if (meta.scenario !== scenario.id) throw new UsageError(`${dir} is a bundle of Test ${meta.scenario}, not Test ${scenario.id}`);
  const files: Record<string, Record<string, string>> = {};
  const logs: Record<string, { log: PvLog; present: boolean }> = {};
  for (const step of scenario.steps) {
    const d = stepDir(dir, scenario, step.id);
    if (d === dir || bundleEntry(d)?.isDirectory()) {
      const r = readDir(d);
      files[step.id] = r.files;
      logs[step.id] = { log: r.log ?? { lines: [], unparsed: [] }, present: r.log !== undefined };
    }
  }
  return { files, logs, meta };
}
