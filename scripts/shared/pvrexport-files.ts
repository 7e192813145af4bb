/**
 * Opens pvrexports with the system `tar`: checks each one as pvtx would before anything is
 * staged (readable, gzip, a tar with a `json` entry that parses, every object the state names
 * present with the right sha256) and gives its state and objects to lib/lint.ts and
 * scripts/derive.ts. A bad export is an EnvironmentError (exit 3) naming the file.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { EnvironmentError } from '../../lib/errors.ts';
import { configKey } from '../../lib/derive.ts';
import type { ExportView } from '../../lib/lint.ts';
import { containerNames, exportProblem, tarFailure, type State } from '../../lib/pvrexport.ts';
import { typed } from './common.ts';

export interface OpenedExport extends ExportView {
  file: string;
}

/** Exports already checked in this process, by path, size and mtime (test-all stages the same ones again and again). */
const checked = new Map<string, OpenedExport>();

/** Fails (exit 3) unless the host has the tools derivations and checks run. */
export async function requireHostTools(tools: string[]): Promise<void> {
  for (const t of tools) {
    const r = await $({ nothrow: true, quiet: true })`sh -c ${`command -v ${t}`}`;
    if (r.exitCode !== 0) throw new EnvironmentError(`'${t}' is needed on this machine to check and derive pvrexports (Debian: apt-get install ${t === 'sha256sum' ? 'coreutils' : t})`);
  }
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Lists, extracts and checks a pvrexport, keeping its state and its containers' lxc configs;
 * throws EnvironmentError `FILE: problem`.
 */
export async function openExport(file: string, name: string): Promise<OpenedExport> {
  const bad = (problem: string) => new EnvironmentError(`${typed(file)}: ${problem}`);
  let size: number;
  let key: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw bad('not a file');
    size = st.size;
    key = `${file}|${st.size}|${st.mtimeMs}`;
    closeSync(openSync(file, 'r'));
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    throw bad(existsSync(file) ? `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` : 'missing');
  }
  const known = checked.get(key);
  if (known) return { ...known, name };
  if (size === 0) throw bad('empty file');
  const list = await $({ nothrow: true, quiet: true })`tar -tzf ${file}`;
  if (list.exitCode !== 0) throw bad(tarFailure(list.stderr));
  const entries = list.stdout.split('\n').filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'pv-ipam-tests-export-'));
  const close = () => rmSync(dir, { recursive: true, force: true });
  try {
    const extract = await $({ nothrow: true, quiet: true })`tar -xzf ${file} -C ${dir}`;
    if (extract.exitCode !== 0) throw bad(tarFailure(extract.stderr));
    const jsonPath = join(dir, 'json');
    const jsonText = entries.includes('json') && existsSync(jsonPath) ? readFileSync(jsonPath, 'utf8') : undefined;
    const objectSha = (sha: string) => (existsSync(join(dir, 'objects', sha)) ? sha256File(join(dir, 'objects', sha)) : undefined);
    const problem = exportProblem(entries, jsonText, objectSha);
    if (problem) throw bad(problem);
    const state = JSON.parse(jsonText!) as State;
    const configs = new Map<string, string>();
    for (const c of containerNames(state)) {
      const sha = state[configKey(c)];
      if (typeof sha === 'string' && existsSync(join(dir, 'objects', sha))) configs.set(c, readFileSync(join(dir, 'objects', sha), 'utf8'));
    }
    const x: OpenedExport = { name, file, state, config: (c) => configs.get(c) };
    checked.set(key, x);
    return x;
  } finally {
    close();
  }
}

/** Object files of an extracted export, as `objects/<sha>` tar member names (sorted). */
export function objectMembers(dir: string): string[] {
  const d = join(dir, 'objects');
  return existsSync(d) ? readdirSync(d).sort().map((f) => `objects/${f}`) : [];
}
