/**
 * stage-N: the plan's Setup block, after checking every artifact as pvtx would.
 *   rm -f pvtx.d/*.pvrexport.tgz
 *   cp $ARTIFACTS/<artifact>.pvrexport.tgz pvtx.d/      (for each artifact of Test N)
 * A derived artifact (scenarios.json `derivedArtifacts`, e.g. Test 8's) is derived first
 * (scripts/derive.ts). Then the staged set is linted: a WARN line per refusal it predicts.
 * A missing or broken artifact stops the run (exit 3) before pvtx.d is touched.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { Config } from '../lib/config.ts';
import { EnvironmentError } from '../lib/errors.ts';
import { lintSet, type LintWarning } from '../lib/lint.ts';
import { sourceArtifacts } from '../lib/derive.ts';
import { findScenario, type PlanFile, type Scenario } from '../lib/scenarios.ts';
import { colors, config, echoCommand, isMain, loadPlan, main, say, shellQuote, testArg, typed } from './shared/common.ts';
import { derive } from './derive.ts';
import { acquireRunLock } from './shared/run-lock.ts';
import { openExport, requireHostTools, type OpenedExport } from './shared/pvrexport-files.ts';

export function artifactPath(cfg: Config, name: string): string {
  return `${cfg.artifacts}/${name}.pvrexport.tgz`;
}

/** Fails (exit 3) naming every missing artifact and how to build them. */
export function requireArtifacts(cfg: Config, plan: PlanFile, scenario: Scenario): void {
  const missing = sourceArtifacts(scenario.artifacts, plan.derivedArtifacts ?? {}).filter((a) => !existsSync(artifactPath(cfg, a)));
  if (missing.length) {
    const how = cfg.target === 'lab' ? 'run `make lab`' : 'build them with `make build`, or set ARTIFACTS= to where they are';
    throw new EnvironmentError(`Test ${scenario.id} needs ${missing.map((m) => `${m}.pvrexport.tgz`).join(', ')} in ${typed(cfg.artifacts)}; ${how}`);
  }
}

/**
 * Before anything starts: every artifact the scenarios stage (the sources of derived ones) is
 * present and a valid pvrexport; the first problem stops the run (exit 3, one line naming the file).
 */
export async function preflightArtifacts(cfg: Config, plan: PlanFile, scenarios: Scenario[]): Promise<void> {
  for (const s of scenarios) requireArtifacts(cfg, plan, s);
  await requireHostTools(['tar']);
  const names = [...new Set(scenarios.flatMap((s) => sourceArtifacts(s.artifacts, plan.derivedArtifacts ?? {})))];
  for (const n of names) await openExport(artifactPath(cfg, n), n);
}

export function printLint(warnings: LintWarning[], prefix = '  '): void {
  for (const w of warnings) say(colors.yellow(`${prefix}WARN  lint: ${w.message}`));
}

/**
 * Checks (and derives) every artifact of the scenario, lints the set, then copies it into
 * pvtx.d. Returns the staged files and the lint warnings.
 */
export async function stage(cfg: Config, plan: PlanFile, scenario: Scenario): Promise<{ staged: string[]; warnings: LintWarning[] }> {
  requireArtifacts(cfg, plan, scenario);
  await requireHostTools(['tar']);
  const derived = plan.derivedArtifacts ?? {};
  const files: { name: string; file: string }[] = [];
  const opened: OpenedExport[] = [];
  for (const a of scenario.artifacts) {
    const spec = derived[a];
    if (spec) {
      await openExport(artifactPath(cfg, spec.from), spec.from);
      const out = await derive(cfg, a, spec, artifactPath(cfg, spec.from));
      files.push({ name: a, file: out });
    } else {
      files.push({ name: a, file: artifactPath(cfg, a) });
    }
    opened.push(await openExport(files[files.length - 1].file, a));
  }
  const warnings = lintSet(opened);
  say(colors.dim(`  ${opened.length} pvrexports checked (json, objects and their sha256)${warnings.length ? '' : '; lint: nothing to predict'}`));
  printLint(warnings);

  mkdirSync(cfg.pvtxd, { recursive: true });
  say(colors.dim(`+ rm -f ${shellQuote(typed(cfg.pvtxd))}/*.pvrexport.tgz`));
  for (const f of readdirSync(cfg.pvtxd)) {
    if (f.endsWith('.pvrexport.tgz')) rmSync(`${cfg.pvtxd}/${f}`, { force: true });
    else if (statSync(`${cfg.pvtxd}/${f}`).isFile()) {
      say(colors.yellow(`warning: ${cfg.pvtxd}/${f} is not a pvrexport; pv-appengine runs \`pvtx add\` on every file there and stops at the first it cannot add`));
    }
  }
  const staged: string[] = [];
  for (const { name, file } of files) {
    const dest = `${cfg.pvtxd}/${name}.pvrexport.tgz`;
    echoCommand(['cp', typed(file), `${typed(cfg.pvtxd)}/`]);
    copyFileSync(file, dest);
    staged.push(dest);
  }
  return { staged, warnings };
}

if (isMain(import.meta.url)) {
  await main(async () => {
    const plan = loadPlan();
    const scenario = findScenario(plan, testArg(process.argv.slice(2)));
    const cfg = config();
    const release = acquireRunLock(cfg, `stage-${scenario.id}`);
    try {
      await stage(cfg, plan, scenario);
    } finally {
      release();
    }
  });
}
