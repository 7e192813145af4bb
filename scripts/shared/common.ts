/**
 * Glue shared by the scripts: config from the environment, the plan file, colours, the
 * transcript of commands, and `main()` which turns errors into the documented exit codes.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createColors } from 'picocolors';
import { $ } from 'zx';
import { checkRequired, checkTarget, type Config, parsePreset, PRESET_PATHS, presetPath, readConfig } from '../../lib/config.ts';
import { driverEntry } from '../../lib/target/registry.ts';
import { requiredCapabilities } from '../../lib/verdict.ts';
import { EnvironmentError, UsageError } from '../../lib/errors.ts';
import { pathOverlap } from '../../lib/paths.ts';
import { JSON_BOUNDS } from '../../lib/parse/json-bounded.ts';
import { parsePlan, type PlanFile } from '../../lib/scenarios.ts';
import { shellQuote } from '../../lib/shell-quote.ts';
import { terminalSafe } from '../../lib/report/terminal.ts';
import type { Colors } from '../../lib/report/console.ts';

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

/** Colours only when stdout is a terminal (and NO_COLOR is unset), whatever CI says. */
export const colors: Colors = createColors(!!process.stdout.isTTY && !('NO_COLOR' in process.env));

// Output piped into `head` and closed early is not an error (Deno throws EPIPE otherwise).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/**
 * Where say() writes: stdout, or, inside runBuffered() (scenarios run in parallel with JOBS=N),
 * that scenario's buffer, printed in one piece when it ends so that runs never interleave.
 */
const output = new AsyncLocalStorage<string[]>();

export function say(line = ''): void {
  const buffer = output.getStore();
  if (buffer) buffer.push(line);
  else {
    clearProgress();
    process.stdout.write(line + '\n');
  }
}

let progressShown = false;

/**
 * Shows (or replaces) the one updating progress line: only on a terminal, never inside a
 * buffered (JOBS=N) run, and not with PROGRESS=0. A pipe or a CI log never sees it.
 */
export function progress(text: string): void {
  if (!process.stdout.isTTY || output.getStore() || process.env.PROGRESS === '0') return; // PROGRESS checked by config()
  process.stdout.write(`\r\x1b[K${colors.dim(text)}`);
  progressShown = true;
}

export function clearProgress(): void {
  if (!progressShown) return;
  process.stdout.write('\r\x1b[K');
  progressShown = false;
}

export function terminalColumns(): number {
  return process.stdout.columns || 100;
}

/** Runs fn with say() collecting into a buffer; returns fn's value and the lines. */
export async function runBuffered<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; lines: string[] }> {
  const lines: string[] = [];
  try {
    return { value: await output.run(lines, fn), lines };
  } catch (error) {
    return { error, lines };
  }
}

/** Host uptime in seconds (the clock pantavisor.log's timestamps use inside a container). */
export function uptime(): number {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return performance.now() / 1000;
  }
}

/** Prints a command the way a user would type it, so it can be copied. */
export function echoCommand(args: string[]): void {
  say(colors.dim('+ ' + terminalSafe(args.map(shellQuote).join(' '))));
}

/** Prints a shell command line exactly as it is run (`sh -c`), redirections and all. */
export function echoShell(line: string): void {
  say(colors.dim('+ ' + terminalSafe(line)));
}

/** A path as a user in the current directory would type it (relative when inside it). */
export function typed(path: string): string {
  const r = relative(process.cwd(), path);
  // a relative name with a leading dash would read as an option: ./-name
  return r && !r.startsWith('..') ? (r.startsWith('-') ? `./${r}` : r) : path;
}

export { shellQuote, terminalSafe };

// zx quotes what it interpolates into its command lines with the same function
$.quote = shellQuote;

/**
 * Whether this script is the one being run: its file is the command's, or, in the single file
 * (where every module shares one import.meta.url), `script` is the one its verb runs
 * (scripts/dist/verb.ts chooses it before any script is evaluated).
 */
export function isMain(metaUrl: string, script?: string): boolean {
  if (EMBEDDED) return script !== undefined && (globalThis as { pvIpamScript?: string }).pvIpamScript === script;
  return !!process.argv[1] && resolve(process.argv[1]) === fileURLToPath(metaUrl);
}

/** Runs a script body; errors become one line and an exit status (2 usage, 3 environment). */
export async function main(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof EnvironmentError) {
      // one line: a file name or a value inside the message is shown escaped (lib/report/terminal.ts)
      process.stderr.write(`pv-ipam-tests: ${terminalSafe(e.message)}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`pv-ipam-tests: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 70;
    }
  }
}

/** The test id argument: a scenario id ("1".."9", "collision", ...) or "all" where allowed. */
export function testArg(args: string[], allowAll = false): string {
  const n = args[0] ?? process.env.N;
  if (!n) throw new UsageError(`which test? give its id${allowAll ? ' or all' : ''} (e.g. make test-1, make test-collision)`);
  if (allowAll && n === 'all') return n;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(n)) throw new UsageError(`'${n}' is not a test id (make help lists them)`);
  return n;
}

export function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d\dZ$/, 'Z');
}
