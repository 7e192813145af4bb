/**
 * The toolkit's variables, with the plan's values as defaults. Every script reads them from
 * the environment (the Makefile exports whatever you set on its command line), so a step
 * can also be run by hand: `CONTAINER=my-test npx tsx scripts/up.ts`.
 */
import { UsageError } from './errors.ts';
import { requiredCapabilities } from '../plan/capabilities.ts';
import { type Variable, VARIABLES } from './variables.ts';
import { parseDevice } from '../target/device-address.ts';

export interface Config {
  /** preset name; only used for labelling output and reports */
  target: string;
  targetLabel: string;
  /** the preset's DRIVER= (lib/target/registry.ts); not a variable: a target is reached one way */
  driver: string;
  /** the preset's HINT_IMAGE= and HINT_ARTIFACTS=: how to get this target's image and exports */
  hints: { image?: string; artifacts?: string };
  image: string;
  container: string;
  /** TARGET=device (the ssh driver): DEVICE, checked by lib/target/ssh.ts parseDevice; the key and known-hosts file, absolute or empty */
  device: string;
  deviceKey: string;
  deviceKnownHosts: string;
  /** DEVICE_RESTORE: what a device run leaves (lib/run/device-restore.ts) */
  deviceRestore: 'run' | 'commit';
  volume: string;
  /** host directory bind-mounted as /usr/lib/pantavisor/pvtx.d */
  pvtxd: string;
  /** where the kas build deploys pvrexports and the appengine docker tar */
  artifacts: string;
  imageTar: string;
  kas: string;
  kasConfig: string;
  /** the meta-pantavisor checkout `make build` runs kas in (its kas config is found there) */
  metaPantavisor: string;
  dockerRunOpts: string[];
  externalHost: string;
  bootTimeoutMs: number;
  stepTimeoutMs: number;
  settleTimeoutMs: number;
  /** stop re-checking a failing step once its verdicts have not changed for this long */
  settleStableMs: number;
  pollIntervalMs: number;
  /** timeout of each command inside the container (`timeout -k 2 N`) */
  cmdTimeoutSecs: number;
  /** `ping -W N`: seconds a ping waits for a reply after its last packet */
  pingWaitSecs: number;
  reportDir: string;
  /** work directory for derived artifacts */
  workDir: string;
  keep: boolean;
  dryRun: boolean;
  pvtxdMount: string;
  storagePath: string;
  logFile: string;
  deviceJsonFile: string;
  appengineOut: string;
  /**
   * JOBS=N: pantavisor's PV_LOOP_INDEX_BASE for this worker's appengine (a band of 64 loop
   * devices of its own), so that appengines running at once never race for one loop device
   */
  loopIndexBase?: number;
  /** docker label set on everything the toolkit creates; teardown only touches what has it */
  label: string;
  /** STRICT=1: XFAIL and XPASS count as failures */
  strict: boolean;
  /** VERBOSE=1: echo every command of each gather round */
  verbose: boolean;
  /** REQUIRE=...: capabilities whose absence fails a scenario instead of skipping it */
  require: Set<string>;
  /** PROGRESS=0: no updating progress line on a terminal */
  progress: boolean;
  /** FOLLOW=0: `make logs` prints the log once instead of following it */
  follow: boolean;
  /** LOG=appengine: `make logs` shows pv-appengine's own output instead of pantavisor.log */
  log: 'pantavisor' | 'appengine';
  /** FORCE=1: an output path that is not the toolkit's own file is overwritten instead of refused */
  force: boolean;
}

/** Each variable's default (lib/tooling/variables.ts), by name. */
export const DEFAULTS: Record<string, string> = Object.fromEntries(VARIABLES.filter((x) => x.default !== undefined).map((x) => [x.name, x.default!]));

/** What each variable means, for `make help` (lib/tooling/variables.ts). */
export const DESCRIPTIONS: Record<string, string> = Object.fromEntries(VARIABLES.map((x) => [x.name, x.description]));

/**
 * The variables that are switches (kind `switch` in lib/tooling/variables.ts), and what they accept:
 * `1` or `true` (on), `0` or `false` (off; `true` was accepted before, so both words stay);
 * empty is unset (the default). Anything else (`yes`, `on`, `TRUE`, `2`, ` 1`) is refused, one
 * line, exit 2: a misspelt switch must never run as if it were unset.
 */
export const SWITCHES: readonly string[] = VARIABLES.filter((x) => x.kind === 'switch').map((x) => x.name);

/** A switch's value (`1`/`true` or `0`/`false`; DEFAULTS when empty or unset), or a UsageError naming the accepted ones. */
export function switchOn(name: string, text: string): boolean {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new UsageError(`${name} must be 1 or 0 (true or false; empty for its default, ${DEFAULTS[name]}), got ${JSON.stringify(text)}`);
}

/** One of a closed set of words, or a UsageError naming them. */
function oneOf<T extends string>(name: string, text: string, values: readonly T[]): T {
  if ((values as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${name} must be one of ${values.join(', ')} (or empty for its default, ${DEFAULTS[name]}), got ${JSON.stringify(text)}`);
}

/**
 * REQUIRE's capabilities, each checked against the plan's (scenarios.json `capabilities`): a
 * typo (`REQUIRE=iptable`) is refused naming the known ones, never run as if REQUIRE were unset.
 */
export function checkRequired(required: Set<string>, known: string[]): void {
  const unknown = [...required].filter((c) => !known.includes(c));
  if (unknown.length) {
    throw new UsageError(
      `REQUIRE names ${unknown.map((c) => JSON.stringify(c)).join(', ')}, not a capability of scenarios.json (known: ${known.join(', ') || 'none'}); separate several with commas or spaces`,
    );
  }
}

/** JOBS=N: a whole number from 1 to 16 (empty: 1). */
export function jobsOf(text: string | undefined): number {
  const t = text || '1';
  if (!/^[1-9][0-9]*$/.test(t) || Number(t) > 16) throw new UsageError(`JOBS must be a whole number from 1 to 16, got ${JSON.stringify(t)}`);
  return Number(t);
}

function seconds(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number of seconds, got '${text}'`);
  return Math.round(n * 1000);
}

/** Splits an options string the way a shell would (quotes, no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`unbalanced quote in '${text}'`);
  if (inWord) words.push(cur);
  return words;
}

const BY_NAME = new Map(VARIABLES.map((x) => [x.name, x]));

/**
 * A variable's text read by its kind (lib/tooling/variables.ts): a switch is a boolean, seconds are
 * milliseconds, words a list, capabilities a set; what the kind refuses is a UsageError.
 */
export function valueOf(name: string, text: string): string | number | boolean | string[] | Set<string> {
  const variable: Variable | undefined = BY_NAME.get(name);
  if (!variable) throw new Error(`${name} is not a variable of lib/tooling/variables.ts`);
  const kind = variable.kind;
  if (typeof kind === 'object') return oneOf(name, text, kind.oneOf);
  switch (kind) {
    case 'switch':
      return switchOn(name, text);
    case 'seconds':
      return seconds(name, text);
    case 'words':
      return shellWords(text);
    case 'jobs':
      return jobsOf(text);
    case 'capabilities':
      return requiredCapabilities(text);
    case 'text':
    case 'path':
      return text;
  }
}

/**
 * TARGET names the default (unset or DEFAULTS.TARGET) or a preset that exists (`known`): a
 * mistyped one is refused naming them, never run as the defaults.
 */
export function checkTarget(target: string | undefined, known: string[]): void {
  if (!target || target === DEFAULTS.TARGET || known.includes(target)) return;
  throw new UsageError(`TARGET=${JSON.stringify(target)} is not a target (known: ${[DEFAULTS.TARGET, ...known].join(', ')})`);
}

/**
 * The presets that are not `<name>/preset.env`, by target, relative to the repository: a target
 * with no files of its own gets no top-level folder (TARGET=device is the ssh driver's preset,
 * kept with the dev appengine that `make device-dev` makes into a device).
 */
export const PRESET_PATHS: Readonly<Record<string, string>> = { device: 'dev/device/preset.env' };

/** Where TARGET=`target`'s preset is, relative to the repository. */
export function presetPath(target: string): string {
  return Object.hasOwn(PRESET_PATHS, target) ? PRESET_PATHS[target] : `${target}/preset.env`;
}

/**
 * DEVICE as given: checked (lib/target/device-address.ts parseDevice, exit 2 on a bad one) when the
 * target's driver is ssh, where it is required, and whenever it is set.
 */
function deviceValue(text: string | undefined, driver: string | undefined): string {
  if (driver === 'ssh' || text) parseDevice(text);
  return text ?? '';
}

/**
 * A target preset (`<name>/preset.env` for TARGET=<name>, or PRESET_PATHS'): KEY=VALUE lines, `#` comments.
 * Values become defaults: the environment still wins.
 */
export function parsePreset(text: string, file = 'preset'): Record<string, string> {
  const out: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new UsageError(`${file}:${i + 1}: not KEY=VALUE: ${line}`);
    out[m[1]] = m[2];
  });
  return out;
}

/**
 * The configuration from the environment; `preset` holds a target preset's values, whose
 * relative paths resolve against `preset.base` (the repository) instead of the working directory.
 */
export function readConfig(env: Record<string, string | undefined>, cwd: string, preset?: { values: Record<string, string>; base: string }): Config {
  const fromEnv = (k: string) => env[k] !== undefined && env[k] !== '';
  const v = (k: string) => (fromEnv(k) ? env[k]! : preset?.values[k] ?? DEFAULTS[k]);
  const abs = (p: string, k?: string) => (p.startsWith('/') ? p : `${k && !fromEnv(k) && preset?.values[k] !== undefined ? preset.base : cwd}/${p}`);
  const artifacts = abs(v('ARTIFACTS'), 'ARTIFACTS');
  valueOf('JOBS', env.JOBS ?? '');
  const text = (k: string) => valueOf(k, v(k)) as string;
  const on = (k: string) => valueOf(k, v(k)) as boolean;
  const ms = (k: string) => valueOf(k, v(k)) as number;
  return {
    target: text('TARGET'),
    targetLabel: text('TARGET_LABEL'),
    driver: preset?.values.DRIVER || 'docker',
    hints: { image: preset?.values.HINT_IMAGE || undefined, artifacts: preset?.values.HINT_ARTIFACTS || undefined },
    image: text('IMAGE'),
    container: text('CONTAINER'),
    device: deviceValue(v('DEVICE'), preset?.values.DRIVER),
    deviceKey: v('DEVICE_KEY') ? abs(text('DEVICE_KEY'), 'DEVICE_KEY') : '',
    deviceKnownHosts: v('DEVICE_KNOWN_HOSTS') ? abs(text('DEVICE_KNOWN_HOSTS'), 'DEVICE_KNOWN_HOSTS') : '',
    deviceRestore: valueOf('DEVICE_RESTORE', v('DEVICE_RESTORE')) as Config['deviceRestore'],
    volume: text('VOLUME'),
    pvtxd: abs(text('PVTXD')),
    artifacts,
    imageTar: v('IMAGE_TAR') ? abs(text('IMAGE_TAR')) : `${artifacts}/pantavisor-appengine-docker.tar`,
    kas: text('KAS'),
    kasConfig: text('KAS_CONFIG'),
    metaPantavisor: abs(text('META_PANTAVISOR')),
    dockerRunOpts: valueOf('DOCKER_RUN_OPTS', v('DOCKER_RUN_OPTS')) as string[],
    externalHost: text('EXTERNAL_HOST'),
    bootTimeoutMs: ms('BOOT_TIMEOUT'),
    stepTimeoutMs: ms('STEP_TIMEOUT'),
    settleTimeoutMs: ms('SETTLE_TIMEOUT'),
    settleStableMs: ms('SETTLE_STABLE'),
    pollIntervalMs: ms('POLL_INTERVAL'),
    cmdTimeoutSecs: Math.ceil(ms('CMD_TIMEOUT') / 1000),
    pingWaitSecs: Math.ceil(ms('PING_WAIT') / 1000),
    reportDir: abs(text('REPORT_DIR')),
    workDir: abs(text('WORK_DIR')),
    keep: on('KEEP'),
    dryRun: on('DRY_RUN'),
    pvtxdMount: text('PVTXD_MOUNT'),
    storagePath: text('STORAGE_PATH'),
    logFile: text('LOG_FILE'),
    deviceJsonFile: text('DEVICE_JSON'),
    appengineOut: text('APPENGINE_OUT'),
    label: text('LABEL'),
    strict: on('STRICT'),
    verbose: on('VERBOSE'),
    require: valueOf('REQUIRE', v('REQUIRE')) as Set<string>,
    progress: on('PROGRESS'),
    follow: on('FOLLOW'),
    log: valueOf('LOG', v('LOG')) as Config['log'],
    force: on('FORCE'),
  };
}
