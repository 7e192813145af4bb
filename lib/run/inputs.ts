/**
 * What a run reads before it starts: the configuration (environment, TARGET's preset, defaults),
 * the plan file, and the directories checked; in the single file, their embedded copies.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRequired, checkTarget, type Config, parsePreset, PRESET_PATHS, presetPath, readConfig } from '../config.ts';
import { driverEntry } from '../target/registry.ts';
import { requiredCapabilities } from '../capabilities.ts';
import { UsageError } from '../errors.ts';
import { pathOverlap } from '../paths.ts';
import { JSON_BOUNDS } from '../parse/json-bounded.ts';
import { parsePlan, type PlanFile } from '../scenarios.ts';

/**
 * What the single file (make dist, scripts/dist/build.ts) carries in place of the repository's
 * files: set there by the bundler, undefined when the scripts run from this repository.
 */
export interface Embedded {
  /** scenarios.json as text: the plan when SCENARIOS is unset (its schema is lib/plan-schema.ts's) */
  scenarios: string;
  /** <target>/preset.env of the targets that have one (lab, dev), as text */
  presets: Record<string, string>;
  /** by target, the preset's variables that the target's build replaces in the repository (<target>/out/preset.env) */
  presetsBuilt: Record<string, string[]>;
  /** package.json's version and the commit the file was built from */
  version: string;
  commit: string;
}
declare const PV_IPAM_EMBEDDED: Embedded | undefined;
export const EMBEDDED: Embedded | undefined = typeof PV_IPAM_EMBEDDED === 'undefined' ? undefined : PV_IPAM_EMBEDDED;

/** The repository's folder; in the single file, which has none, the current directory. */
export const ROOT = EMBEDDED ? process.cwd() : resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * The configuration: environment, then the target's preset (TARGET=lab: lab/preset.env, then
 * what the target's own build wrote in <target>/out/preset.env, e.g. the dev appengine's image
 * tag and pantavisor commit), then defaults; its directories checked (requireRunPaths) before
 * any script touches them.
 */
export function config(): Config {
  const target = process.env.TARGET;
  if (EMBEDDED) {
    checkTarget(target, Object.keys(EMBEDDED.presets));
    return embeddedConfig(EMBEDDED, target);
  }
  checkTarget(target, presetTargets());
  const file = target && /^[a-z0-9][a-z0-9-]*$/.test(target) ? `${ROOT}/${presetPath(target)}` : undefined;
  const built = file ? `${ROOT}/${target}/out/preset.env` : '';
  const cfg = file && existsSync(file)
    ? readConfig(process.env, process.cwd(), {
      values: { ...parsePreset(readFileSync(file, 'utf8'), file), ...(existsSync(built) ? parsePreset(readFileSync(built, 'utf8'), built) : {}) },
      base: ROOT,
    })
    : readConfig(process.env, process.cwd());
  driverEntry(cfg.driver, `${target}/preset.env: DRIVER`);
  requireRunPaths(cfg);
  return cfg;
}

/** The targets with a preset in the repository: the folders holding a preset.env (lab, dev), and lib/config.ts PRESET_PATHS' (device). */
export function presetTargets(): string[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[a-z0-9][a-z0-9-]*$/.test(e.name) && existsSync(`${ROOT}/${e.name}/preset.env`))
    .map((e) => e.name)
    .concat(Object.keys(PRESET_PATHS).filter((t) => existsSync(`${ROOT}/${PRESET_PATHS[t]}`)))
    .sort();
}

/**
 * config() in the single file: a target's preset is the embedded copy of the repository's; a
 * value of it that names a path in the repository (lab/out/deploy, dev/out/...), or that the
 * target's build replaces there (the dev appengine's image tag), must be given.
 */
function embeddedConfig(embedded: Embedded, target: string | undefined): Config {
  const text = target ? embedded.presets[target] : undefined;
  if (!text) {
    const cfg = readConfig(process.env, process.cwd());
    requireRunPaths(cfg);
    return cfg;
  }
  const values = parsePreset(text, `${target}/preset.env`);
  for (const [k, v] of Object.entries(values)) {
    if (!v.startsWith('/') && /^(ARTIFACTS|IMAGE_TAR|PVTXD|REPORT_DIR|WORK_DIR)$/.test(k) && !process.env[k]) {
      throw new UsageError(`TARGET=${target}: ${k}=${v} is a folder of the pv-ipam-tests repository; give ${k}=DIR (e.g. the build's exports)`);
    }
  }
  for (const k of embedded.presetsBuilt[target!] ?? []) {
    if (!process.env[k])
      throw new UsageError(`TARGET=${target}: ${k} is what the repository's build wrote (${target}/out/preset.env); give ${k}=... (e.g. IMAGE=pantavisor-appengine-${target}:<commit>)`);
  }
  const cfg = readConfig(process.env, process.cwd(), { values, base: process.cwd() });
  driverEntry(cfg.driver, `${target}/preset.env: DRIVER`);
  requireRunPaths(cfg);
  return cfg;
}

/** The path with its existing part's symlinks resolved (the rest, not yet created, as given). */
export function realPath(path: string): string {
  const p = resolve(path);
  try {
    return realpathSync(p);
  } catch {
    const parent = dirname(p);
    return parent === p ? p : `${realPath(parent).replace(/\/$/, '')}/${basename(p)}`;
  }
}

/**
 * Why NAME=PATH is not a directory (kind 'dir') or a file (kind 'file') the toolkit may create
 * or write: something else already has that name, or a part of the path is a file.
 */
export function notCreatable(name: string, path: string, kind: 'dir' | 'file'): string | undefined {
  let p = resolve(path);
  for (let first = true;; first = false) {
    let st;
    try {
      st = lstatSync(p);
    } catch (e) {
      const parent = dirname(p);
      if (!['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '') || parent === p)
        return `${name}=${path} cannot be used (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
      p = parent;
      continue;
    }
    if (st.isSymbolicLink()) {
      try {
        st = statSync(p);
      } catch {
        return `${name}=${path}: ${p} is a dangling symbolic link`;
      }
    }
    if (first && kind === 'file') return st.isFile() ? undefined : `${name}=${path} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}; give a file name`;
    if (!st.isDirectory()) return first ? `${name}=${path} is a file, not a directory` : `${name}=${path}: ${p} is a file, not a directory`;
    return undefined;
  }
}

/**
 * Refuses (exit 2, one line) directories a run cannot use: PVTXD, REPORT_DIR and WORK_DIR must
 * be directories or creatable as ones, ARTIFACTS must not be a file, and none may overlap as
 * lib/paths.ts says (pvtx.d in the build's ARTIFACTS would have stage delete the user's exports).
 */
export function requireRunPaths(cfg: Config): void {
  for (const [name, path] of [['PVTXD', cfg.pvtxd], ['REPORT_DIR', cfg.reportDir], ['WORK_DIR', cfg.workDir], ['ARTIFACTS', cfg.artifacts]] as const) {
    const problem = notCreatable(name, path, 'dir');
    if (problem) throw new UsageError(problem);
  }
  const overlap = pathOverlap({ PVTXD: realPath(cfg.pvtxd), ARTIFACTS: realPath(cfg.artifacts), REPORT_DIR: realPath(cfg.reportDir), WORK_DIR: realPath(cfg.workDir) });
  if (overlap) throw new UsageError(overlap);
}

/**
 * The plan (SCENARIOS, default scenarios.json; in the single file, its embedded plan unless
 * SCENARIOS names another), and REQUIRE checked against its capabilities; `make help` (which
 * shows what is set, right or wrong) passes `{ checkVariables: false }`.
 */
export function loadPlan(opts: { checkVariables?: boolean } = {}): PlanFile {
  const plan = EMBEDDED && !process.env.SCENARIOS ? parsePlan(EMBEDDED.scenarios) : readPlanFile();
  // REQUIRE names capabilities of this plan: checked here, where the plan is known
  if (opts.checkVariables !== false) checkRequired(requiredCapabilities(process.env.REQUIRE), Object.keys(plan.capabilities ?? {}));
  return plan;
}

function readPlanFile(): PlanFile {
  const file = process.env.SCENARIOS || `${ROOT}/scenarios.json`;
  let text: string;
  try {
    // a regular file within the JSON bound only: SCENARIOS=/dev/zero or a FIFO is never read
    const st = statSync(file);
    if (!st.isFile()) throw new UsageError(`SCENARIOS=${file} is not a regular file`);
    if (st.size > JSON_BOUNDS.bytes) throw new UsageError(`${file} is ${Math.round(st.size / 2 ** 20)} MB, over the ${JSON_BOUNDS.bytes / 2 ** 20} MB a scenarios file may have`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${file}`);
  }
  return parsePlan(text);
}
