/**
 * Writes and reads capture bundles on disk (the layout is the fixed contract in README.md):
 * a single-step scenario keeps its files at the top; a multi-step one has a directory per step.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { EXTRA_FILES, FILES, type BundleMeta } from '../../lib/bundle.ts';
import { UsageError } from '../../lib/errors.ts';
import type { Scenario } from '../../lib/scenarios.ts';

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
  dir: string, scenario: Scenario, files: Record<string, Record<string, string>>, meta: BundleMeta,
  logBytes: Record<string, number | undefined>, saveLog?: (path: string, bytes: number) => Promise<void>,
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

function readDir(d: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(d)) {
    const p = `${d}/${name}`;
    if (statSync(p).isFile() && name !== EXTRA_FILES.meta) files[name] = readFileSync(p, 'utf8');
  }
  return files;
}

export function readBundle(dir: string, scenario: Scenario): { files: Record<string, Record<string, string>>; meta?: Partial<BundleMeta> } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`SNAPSHOT=${dir} is not a directory`);
  const files: Record<string, Record<string, string>> = {};
  for (const step of scenario.steps) {
    const d = stepDir(dir, scenario, step.id);
    if (existsSync(d) && statSync(d).isDirectory()) files[step.id] = readDir(d);
  }
  let meta: Partial<BundleMeta> | undefined;
  if (existsSync(`${dir}/${EXTRA_FILES.meta}`)) {
    try {
      meta = JSON.parse(readFileSync(`${dir}/${EXTRA_FILES.meta}`, 'utf8'));
    } catch {
      throw new UsageError(`${dir}/${EXTRA_FILES.meta} is not valid JSON`);
    }
    if (meta?.scenario !== undefined && meta.scenario !== scenario.id) {
      throw new UsageError(`${dir} is a bundle of Test ${meta.scenario}, not Test ${scenario.id}`);
    }
  }
  return { files, meta };
}
