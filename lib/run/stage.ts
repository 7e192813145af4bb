/**
 * stage-N: the plan's Setup block, after checking every artifact as pvtx would.
 *   rm -f pvtx.d/<what an earlier stage copied there>      (pvtx.d/.pv-ipam-tests-staged)
 *   cp $ARTIFACTS/<artifact>.pvrexport.tgz pvtx.d/      (for each artifact of Test N)
 * A derived artifact (scenarios.json `derivedArtifacts`, e.g. Test 8's) is derived first
 * (lib/run/derive.ts). Then the staged set is linted: a WARN line per refusal it predicts.
 * A missing or broken artifact stops the run (exit 3) before pvtx.d is touched. Each pvrexport
 * is opened and checked once per run: preflightArtifacts keeps what it checked (CheckedExports)
 * and every stage of the run reuses it (a derived export, rewritten, is checked again).
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { EnvironmentError, UsageError } from '../errors.ts';
import { lintSet, type LintWarning } from '../lint.ts';
import { parseJsonBounded } from '../parse/json-bounded.ts';
import { sourceArtifacts } from '../derive.ts';
import { type PlanFile, type Scenario, updateArtifacts } from '../scenarios.ts';
import { requireRunPaths } from './inputs.ts';
import { colors, echoCommand, say, shellQuote, terminalSafe, typed } from './output.ts';
import { derive, derivedPath } from './derive.ts';
import { acquireRunLock } from './run-lock.ts';
import { checkedExport, type CheckedExports, type OpenedExport, requireHostTools } from './pvrexport-files.ts';

export type { CheckedExports };

/**
 * What stage put in pvtx.d, kept there as a dot file (pv-appengine installs `pvtx.d/*`, which
 * skips it): the files it copied, and whether it created the directory. Teardown removes those
 * and nothing else.
 */
export interface StageMarker {
  createdDir: boolean;
  files: string[];
}

export function stageMarkerPath(cfg: Config): string {
  return `${cfg.pvtxd}/.pv-ipam-tests-staged`;
}

export function readStageMarker(cfg: Config): StageMarker | undefined {
  let text: string;
  try {
    text = readFileSync(stageMarkerPath(cfg), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = parseJsonBounded(text, { bytes: 2 ** 20 });
    const m = ('value' in r ? r.value : {}) as StageMarker;
    // only plain file names of pvrexports: a marker never names a path outside pvtx.d
    const files = Array.isArray(m.files) ? m.files.filter((f) => typeof f === 'string' && /^[^/]+\.pvrexport\.tgz$/.test(f) && !f.startsWith('.')) : [];
    return { createdDir: m.createdDir === true, files };
  } catch {
    return { createdDir: false, files: [] };
  }
}

function writeStageMarker(cfg: Config, m: StageMarker): void {
  writeFileSync(stageMarkerPath(cfg), JSON.stringify(m) + '\n');
}

/** The *.pvrexport.tgz entries of pvtx.d that no stage of the toolkit recorded. */
export function foreignExports(cfg: Config, marker = readStageMarker(cfg)): string[] {
  if (!existsSync(cfg.pvtxd)) return [];
  const ours = new Set(marker?.files ?? []);
  return readdirSync(cfg.pvtxd).filter((f) => f.endsWith('.pvrexport.tgz') && !ours.has(f)).sort();
}

/** Refuses (exit 2) a pvtx.d holding pvrexports the toolkit did not stage: they are not deleted. */
export function requireNoForeignExports(cfg: Config): void {
  const foreign = foreignExports(cfg);
  if (foreign.length)
    throw new UsageError(`${typed(cfg.pvtxd)} holds ${foreign.join(', ')}, not staged by pv-ipam-tests (pv-appengine would install it too); move it away or set PVTXD= to another directory`);
}

/**
 * The files of pvtx.d that are neither dot files nor staged by the toolkit (each gets a warning);
 * a symbolic link there (dangling or not) is refused, exit 2, before anything is removed:
 * pv-appengine would follow it, and stage never deletes what it did not copy.
 */
export function otherEntries(cfg: Config, ours: Set<string>): string[] {
  if (!existsSync(cfg.pvtxd)) return [];
  const others: string[] = [];
  for (const f of readdirSync(cfg.pvtxd).sort()) {
    if (f.startsWith('.') || ours.has(f)) continue;
    const st = lstatSync(`${cfg.pvtxd}/${f}`);
    if (st.isSymbolicLink()) {
      throw new UsageError(`${typed(cfg.pvtxd)}/${f} is a symbolic link, not put there by pv-ipam-tests (pv-appengine would follow it); move it away or set PVTXD= to another directory`);
    }
    if (st.isFile()) others.push(f);
  }
  return others;
}

export function artifactPath(cfg: Config, name: string): string {
  return `${cfg.artifacts}/${name}.pvrexport.tgz`;
}

/** The host file of an artifact: ARTIFACTS' for a built one, WORK_DIR's for a derived one (after stage). */
export function exportFile(cfg: Config, plan: PlanFile, name: string): string {
  return plan.derivedArtifacts?.[name] ? derivedPath(cfg, name) : artifactPath(cfg, name);
}

/** Fails (exit 3) naming every missing artifact and how to build them. */
export function requireArtifacts(cfg: Config, plan: PlanFile, scenario: Scenario): void {
  const missing = sourceArtifacts([...scenario.artifacts, ...updateArtifacts(scenario)], plan.derivedArtifacts ?? {}).filter((a) => !existsSync(artifactPath(cfg, a)));
  if (missing.length) {
    const how = cfg.hints.artifacts ?? 'build them with `make build`, or set ARTIFACTS= to where they are';
    throw new EnvironmentError(`Test ${scenario.id} needs ${missing.map((m) => `${m}.pvrexport.tgz`).join(', ')} in ${typed(cfg.artifacts)}; ${how}`);
  }
}

/**
 * Before anything starts: every artifact the scenarios stage (the sources of derived ones) is
 * present and a valid pvrexport; the first problem stops the run (exit 3, one line naming the file).
 * Returns what it checked, for the run's stages.
 */
export async function preflightArtifacts(cfg: Config, plan: PlanFile, scenarios: Scenario[]): Promise<CheckedExports> {
  requireNoForeignExports(cfg);
  otherEntries(cfg, new Set(readStageMarker(cfg)?.files ?? []));
  for (const s of scenarios) requireArtifacts(cfg, plan, s);
  await requireHostTools(['tar']);
  const names = [...new Set(scenarios.flatMap((s) => sourceArtifacts([...s.artifacts, ...updateArtifacts(s)], plan.derivedArtifacts ?? {})))];
  const checked: CheckedExports = new Map();
  for (const n of names) await checkedExport(checked, artifactPath(cfg, n), n);
  return checked;
}

export function printLint(warnings: LintWarning[], prefix = '  '): void {
  for (const w of warnings) say(colors.yellow(`${prefix}WARN  lint: ${terminalSafe(w.message)}`));
}

/**
 * Checks (and derives) every artifact of the scenario, lints the set, then copies it into
 * pvtx.d. Returns the staged files and the lint warnings. An export the run has already checked
 * (`checked`, from preflightArtifacts or an earlier stage of the run) is not opened again.
 */
export async function stage(cfg: Config, plan: PlanFile, scenario: Scenario, checked: CheckedExports = new Map()): Promise<{ staged: string[]; warnings: LintWarning[] }> {
  requireRunPaths(cfg);
  requireNoForeignExports(cfg);
  otherEntries(cfg, new Set(readStageMarker(cfg)?.files ?? []));
  requireArtifacts(cfg, plan, scenario);
  await requireHostTools(['tar']);
  const derived = plan.derivedArtifacts ?? {};
  const files: { name: string; file: string }[] = [];
  const opened: OpenedExport[] = [];
  for (const a of scenario.artifacts) {
    const spec = derived[a];
    if (spec) {
      await checkedExport(checked, artifactPath(cfg, spec.from), spec.from);
      const out = await derive(cfg, a, spec, artifactPath(cfg, spec.from));
      files.push({ name: a, file: out });
    } else {
      files.push({ name: a, file: artifactPath(cfg, a) });
    }
    opened.push(await checkedExport(checked, files[files.length - 1].file, a));
  }
  // the exports an update step adds later (`pvtx add -` from the host): derived and checked now, not staged
  for (const a of updateArtifacts(scenario)) {
    const spec = derived[a];
    if (spec && !scenario.artifacts.includes(a)) {
      await checkedExport(checked, artifactPath(cfg, spec.from), spec.from);
      await derive(cfg, a, spec, artifactPath(cfg, spec.from));
    }
    await checkedExport(checked, exportFile(cfg, plan, a), a);
  }
  const warnings = lintSet(opened);
  say(colors.dim(`  ${opened.length} pvrexports checked (json, objects and their sha256)${warnings.length ? '' : '; lint: nothing to predict'}`));
  printLint(warnings);

  // only what an earlier stage recorded in the marker is removed: a pvrexport someone else put
  // there is refused (pv-appengine would install it too), never deleted
  const marker = readStageMarker(cfg);
  const createdDir = marker?.createdDir ?? !existsSync(cfg.pvtxd);
  // everything in pvtx.d is looked at (never through a link) before anything is removed
  const others = otherEntries(cfg, new Set(marker?.files ?? []));
  mkdirSync(cfg.pvtxd, { recursive: true });
  if (marker?.files.length) say(colors.dim(`+ rm -f ${marker.files.map((f) => shellQuote(`${typed(cfg.pvtxd)}/${f}`)).join(' ')}`));
  for (const f of marker?.files ?? []) rmSync(`${cfg.pvtxd}/${f}`, { force: true });
  for (const f of others) {
    say(colors.yellow(terminalSafe(`warning: ${cfg.pvtxd}/${f} is not a pvrexport; pv-appengine runs \`pvtx add\` on every file there and stops at the first it cannot add`)));
  }
  // recorded before the copies: a run killed mid-copy leaves a marker naming what it copied
  writeStageMarker(cfg, { createdDir, files: files.map(({ name }) => `${name}.pvrexport.tgz`) });
  const staged: string[] = [];
  for (const { name, file } of files) {
    const dest = `${cfg.pvtxd}/${name}.pvrexport.tgz`;
    echoCommand(['cp', typed(file), `${typed(cfg.pvtxd)}/`]);
    copyFileSync(file, dest);
    staged.push(dest);
  }
  return { staged, warnings };
}

/** make stage-N: the scenario's set checked and copied into pvtx.d, under the run lock. */
export async function stageCommand(cfg: Config, plan: PlanFile, scenario: Scenario): Promise<void> {
  const release = acquireRunLock(cfg, `stage-${scenario.id}`);
  try {
    await stage(cfg, plan, scenario);
  } finally {
    release();
  }
}
