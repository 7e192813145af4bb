/**
 * Opens pvrexports with the system `tar`: checks each one as pvtx would before anything is
 * staged (readable, gzip, a tar with a `json` entry that parses, every object the state names
 * present with the right sha256) and gives its state and objects to lib/lint.ts and
 * scripts/derive.ts. A bad export is an EnvironmentError (exit 3) naming the file.
 */
import { isJsonObject, parseJsonBounded } from '../parse/json-bounded.ts';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { Buffer } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { EnvironmentError } from '../errors.ts';
import { configKey } from '../derive.ts';
import type { ExportView } from '../lint.ts';
import { containerNames, exportProblem, memberProblem, objectRefs, parseTarListing, PVREXPORT_CAPS, type State, tarFailure } from '../pvrexport.ts';
import { shellQuote, typed } from './output.ts';

export interface OpenedExport extends ExportView {
  file: string;
}

/**
 * The pvrexports a run has opened and checked, by host file, with the size and mtime they had:
 * each is checked once per run (test-all stages the same ones again and again), and again only
 * if the file changed since.
 */
export type CheckedExports = Map<string, { key: string; opened: OpenedExport }>;

/** The export `file`, opened and checked the first time the run asks for it (or after it changed). */
export async function checkedExport(checked: CheckedExports, file: string, name: string): Promise<OpenedExport> {
  const known = checked.get(file);
  if (known && known.key === fileKey(file)) return { ...known.opened, name };
  const opened = await openExport(file, name);
  checked.set(file, { key: fileKey(file), opened });
  return opened;
}

function fileKey(file: string): string {
  try {
    const st = statSync(file);
    return `${st.size}|${st.mtimeMs}`;
  } catch {
    return '';
  }
}

/** Fails (exit 3) unless the host has the tools derivations and checks run. */
export async function requireHostTools(tools: string[]): Promise<void> {
  for (const t of tools) {
    const r = await $({ nothrow: true, quiet: true })`sh -c ${`command -v ${shellQuote(t)}`}`;
    if (r.exitCode !== 0) throw new EnvironmentError(`'${t}' is needed on this machine to check and derive pvrexports (Debian: apt-get install ${t === 'sha256sum' ? 'coreutils' : t})`);
  }
}

/** sha256 of a file, streamed (an object may be hundreds of MB). */
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Lists, extracts and checks a pvrexport, keeping its state and its containers' lxc configs;
 * throws EnvironmentError `FILE: problem`.
 */
export async function openExport(file: string, name: string): Promise<OpenedExport> {
  const bad = (problem: string) => new EnvironmentError(`${typed(file)}: ${problem}`);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw bad('not a file');
    size = st.size;
    closeSync(openSync(file, 'r'));
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    throw bad(existsSync(file) ? `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` : 'missing');
  }
  if (size === 0) throw bad('empty file');
  // listed with types and sizes first: a link, FIFO, device or an oversized member is refused
  // before anything is extracted (a FIFO `json` hung the checker, a link to /dev/zero grew)
  const list = await $({ nothrow: true, quiet: true, env: { ...process.env, LC_ALL: 'C' } })`tar -tvzf ${file}`;
  if (list.exitCode !== 0) throw bad(tarFailure(list.stderr));
  const members = parseTarListing(list.stdout);
  if (!members) throw bad(`tar lists it in a form this checker cannot read: ${list.stdout.split('\n')[0].slice(0, 100)}`);
  const unsafe = memberProblem(members);
  if (unsafe) throw bad(unsafe);
  const entries = members.map((m) => m.name);
  const dir = mkdtempSync(join(tmpdir(), 'pv-ipam-tests-export-'));
  extractions.add(dir);
  const close = () => {
    rmSync(dir, { recursive: true, force: true });
    extractions.delete(dir);
  };
  try {
    const extract = await $({ nothrow: true, quiet: true })`tar -xzf ${file} -C ${dir}`;
    if (extract.exitCode !== 0) throw bad(tarFailure(extract.stderr));
    // what was extracted is read only if it is a regular file within the caps (as listed)
    const regular = (p: string, cap: number) => {
      try {
        const st = lstatSync(p);
        return st.isFile() && st.size <= cap;
      } catch {
        return false;
      }
    };
    const jsonPath = join(dir, 'json');
    const jsonText = entries.includes('json') && regular(jsonPath, PVREXPORT_CAPS.json) ? readFileSync(jsonPath, 'utf8') : undefined;
    const object = (sha: string) => join(dir, 'objects', sha);
    const shas = new Map<string, string | undefined>();
    // the state parsed once, within the JSON bounds (64 levels; the json cap above for its size)
    const parsed = jsonText === undefined ? undefined : parseJsonBounded(jsonText, { bytes: PVREXPORT_CAPS.json });
    const st = parsed && 'value' in parsed ? parsed.value : undefined;
    const wanted = isJsonObject(st) ? objectRefs(st as State).map(([, sha]) => sha) : [];
    for (const sha of new Set(wanted)) shas.set(sha, regular(object(sha), PVREXPORT_CAPS.object) ? await sha256File(object(sha)) : undefined);
    const problem = exportProblem(entries, jsonText, (sha) => shas.get(sha), parsed);
    if (problem) throw bad(problem);
    const state = st as State;
    const configs = new Map<string, string>();
    for (const c of containerNames(state)) {
      const sha = state[configKey(c)];
      if (typeof sha === 'string' && shas.get(sha) !== undefined) configs.set(c, readFileSync(object(sha), 'utf8'));
    }
    return { name, file, state, config: (c) => configs.get(c) };
  } finally {
    close();
  }
}

/** Extraction directories not yet removed: removed on every way out, an exit or a signal's. */
const extractions = new Set<string>();
process.on('exit', () => {
  for (const d of extractions) rmSync(d, { recursive: true, force: true });
});

/** Object files of an extracted export, as `objects/<sha>` tar member names (sorted). */
export function objectMembers(dir: string): string[] {
  const d = join(dir, 'objects');
  return existsSync(d) ? readdirSync(d).sort().map((f) => `objects/${f}`) : [];
}
