/**
 * The toolkit's variables, with the plan's values as defaults. Every script reads them from
 * the environment (the Makefile exports whatever you set on its command line), so a step
 * can also be run by hand: `CONTAINER=my-test npx tsx scripts/up.ts`.
 */
import { UsageError } from './errors.ts';
import { requiredCapabilities } from './verdict.ts';

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

export const DEFAULTS: Record<string, string> = {
  TARGET: 'appengine',
  TARGET_LABEL: 'pantavisor-appengine',
  IMAGE: 'pantavisor-appengine:latest',
  CONTAINER: 'pva-test',
  VOLUME: 'storage-test',
  PVTXD: 'pvtx.d',
  ARTIFACTS: 'build/tmp-scarthgap/deploy/images/docker-x86_64',
  IMAGE_TAR: '', // defaults to $ARTIFACTS/pantavisor-appengine-docker.tar
  KAS: './kas-container',
  KAS_CONFIG: '.github/configs/release/docker-x86_64-scarthgap.yaml:kas/with-workspace.yaml',
  META_PANTAVISOR: '.',
  DOCKER_RUN_OPTS: '--privileged',
  EXTERNAL_HOST: '8.8.8.8',
  BOOT_TIMEOUT: '90',
  STEP_TIMEOUT: '60',
  SETTLE_TIMEOUT: '15',
  SETTLE_STABLE: '3',
  POLL_INTERVAL: '0.3',
  CMD_TIMEOUT: '20',
  PING_WAIT: '1',
  REPORT_DIR: 'reports',
  WORK_DIR: '.work',
  KEEP: '0',
  DRY_RUN: '0',
  PVTXD_MOUNT: '/usr/lib/pantavisor/pvtx.d',
  STORAGE_PATH: '/var/pantavisor/storage',
  LOG_FILE: '/var/pantavisor/storage/logs/0/pantavisor/pantavisor.log',
  DEVICE_JSON: '/var/pantavisor/storage/trails/0/device.json',
  // in the storage volume: the one place the toolkit knows is writable (a Yocto image's /tmp
  // may be a dangling link to /var/volatile when no init ran)
  APPENGINE_OUT: '/var/pantavisor/storage/.pv-ipam-tests/pv-appengine.out',
  LABEL: 'pv-ipam-tests',
  STRICT: '0',
  REQUIRE: '',
  VERBOSE: '0',
  PROGRESS: '1',
  FOLLOW: '1',
  LOG: 'pantavisor',
  FORCE: '0',
};

/** What each variable means, for `make help`. */
export const DESCRIPTIONS: Record<string, string> = {
  TARGET: 'target name shown in output and reports; TARGET=NAME also loads NAME/preset.env as defaults (TARGET=lab: the lab)',
  TARGET_LABEL: 'how output and reports describe the target',
  IMAGE: 'appengine image to run',
  CONTAINER: 'appengine container name',
  VOLUME: 'storage volume name',
  PVTXD: 'host directory mounted as pvtx.d',
  ARTIFACTS: 'directory holding the built pvrexports',
  IMAGE_TAR: 'docker tar for `make load` (default $ARTIFACTS/pantavisor-appengine-docker.tar)',
  KAS: 'kas-container command for `make build`',
  KAS_CONFIG: 'kas config for `make build` (unset: the release config META_PANTAVISOR has, kas/build-configs/release/ or, before 2026-04-01, .github/configs/release/)',
  META_PANTAVISOR: 'the meta-pantavisor checkout `make build` runs kas in',
  DOCKER_RUN_OPTS: 'extra `docker run` options',
  EXTERNAL_HOST: 'host pinged to prove NAT egress (Test 3)',
  BOOT_TIMEOUT: 'seconds to wait for the boot to settle (READY or refusal)',
  STEP_TIMEOUT: 'seconds to wait for a step (stop/start) to take effect',
  SETTLE_TIMEOUT: 'at most this many seconds of re-checking after readiness before a check is failed',
  SETTLE_STABLE: 'fail sooner: stop re-checking once the verdicts have not changed for this many seconds',
  POLL_INTERVAL: 'seconds between polls',
  CMD_TIMEOUT: 'timeout of each command run inside the container',
  PING_WAIT: 'ping -W N: seconds a ping waits for a reply, so a ping the plan expects to fail costs ~2 s, not ~10 s',
  REPORT_DIR: 'where runs write report.json, junit.xml and bundles',
  WORK_DIR: 'where derived artifacts (Test 8) are written',
  KEEP: '1 keeps the container after test-N',
  DRY_RUN: '1 prints commands of build/load instead of running them',
  LABEL: 'docker label marking what the toolkit created',
  PVTXD_MOUNT: 'where pvtx.d is mounted in the container',
  STORAGE_PATH: 'where the storage volume is mounted in the container',
  LOG_FILE: 'pantavisor.log inside the container',
  DEVICE_JSON: "the trail's device.json inside the container",
  APPENGINE_OUT: "file pv-appengine's own output is redirected to (kept in every bundle)",
  STRICT: '1: a known issue that fails (XFAIL) or looks fixed (XPASS) fails the run',
  REQUIRE: 'capabilities (e.g. isolation, iptables) whose absence fails a scenario instead of skipping it',
  VERBOSE: '1: echo every command of each gather round (lxc-ls -f, nft list ruleset, the pings, ...), one per line, copy-pasteable',
  PROGRESS: '0 hides the updating progress line on a terminal',
  FOLLOW: '0: `make logs` prints the log once instead of following it',
  LOG: "appengine: `make logs` shows pv-appengine's own output instead of pantavisor.log",
  FORCE: '1: junit-merge overwrites an OUT that is not a JUnit file the toolkit wrote (refused otherwise)',
};

/**
 * The variables that are switches, and what they accept: `1` or `true` (on), `0` or `false`
 * (off; `true` was accepted before, so both words stay); empty is unset (the default). Anything
 * else (`yes`, `on`, `TRUE`, `2`, ` 1`) is refused, one line, exit 2: a misspelt switch must
 * never run as if it were unset.
 */
export const SWITCHES = ['STRICT', 'KEEP', 'DRY_RUN', 'VERBOSE', 'PROGRESS', 'FOLLOW', 'FORCE'] as const;

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

/**
 * TARGET names the default (unset or DEFAULTS.TARGET) or a preset that exists (`known`): a
 * mistyped one is refused naming them, never run as the defaults.
 */
export function checkTarget(target: string | undefined, known: string[]): void {
  if (!target || target === DEFAULTS.TARGET || known.includes(target)) return;
  throw new UsageError(`TARGET=${JSON.stringify(target)} is not a target (known: ${[DEFAULTS.TARGET, ...known].join(', ')})`);
}

/**
 * A target preset (`<name>/preset.env` for TARGET=<name>): KEY=VALUE lines, `#` comments.
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
  jobsOf(env.JOBS);
  return {
    target: v('TARGET'),
    targetLabel: v('TARGET_LABEL'),
    driver: preset?.values.DRIVER || 'docker',
    hints: { image: preset?.values.HINT_IMAGE || undefined, artifacts: preset?.values.HINT_ARTIFACTS || undefined },
    image: v('IMAGE'),
    container: v('CONTAINER'),
    volume: v('VOLUME'),
    pvtxd: abs(v('PVTXD')),
    artifacts,
    imageTar: v('IMAGE_TAR') ? abs(v('IMAGE_TAR')) : `${artifacts}/pantavisor-appengine-docker.tar`,
    kas: v('KAS'),
    kasConfig: v('KAS_CONFIG'),
    metaPantavisor: abs(v('META_PANTAVISOR')),
    dockerRunOpts: shellWords(v('DOCKER_RUN_OPTS')),
    externalHost: v('EXTERNAL_HOST'),
    bootTimeoutMs: seconds('BOOT_TIMEOUT', v('BOOT_TIMEOUT')),
    stepTimeoutMs: seconds('STEP_TIMEOUT', v('STEP_TIMEOUT')),
    settleTimeoutMs: seconds('SETTLE_TIMEOUT', v('SETTLE_TIMEOUT')),
    settleStableMs: seconds('SETTLE_STABLE', v('SETTLE_STABLE')),
    pollIntervalMs: seconds('POLL_INTERVAL', v('POLL_INTERVAL')),
    cmdTimeoutSecs: Math.ceil(seconds('CMD_TIMEOUT', v('CMD_TIMEOUT')) / 1000),
    pingWaitSecs: Math.ceil(seconds('PING_WAIT', v('PING_WAIT')) / 1000),
    reportDir: abs(v('REPORT_DIR')),
    workDir: abs(v('WORK_DIR')),
    keep: switchOn('KEEP', v('KEEP')),
    dryRun: switchOn('DRY_RUN', v('DRY_RUN')),
    pvtxdMount: v('PVTXD_MOUNT'),
    storagePath: v('STORAGE_PATH'),
    logFile: v('LOG_FILE'),
    deviceJsonFile: v('DEVICE_JSON'),
    appengineOut: v('APPENGINE_OUT'),
    label: v('LABEL'),
    strict: switchOn('STRICT', v('STRICT')),
    verbose: switchOn('VERBOSE', v('VERBOSE')),
    require: requiredCapabilities(v('REQUIRE')),
    progress: switchOn('PROGRESS', v('PROGRESS')),
    follow: switchOn('FOLLOW', v('FOLLOW')),
    log: oneOf('LOG', v('LOG'), ['pantavisor', 'appengine'] as const),
    force: switchOn('FORCE', v('FORCE')),
  };
}
