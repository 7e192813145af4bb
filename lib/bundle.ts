/**
 * The capture bundle: the fixed set of files a capture writes and a verify reads, and the
 * parsed state the checks evaluate. Live verification builds exactly the same files, so a
 * bundle attached to a bug report gives the same verdict as the live run.
 */
import { type LxcRow, readLxcLs } from './parse/lxc-ls.ts';
import { type Iface, ipAddrProblem, parseIpAddr } from './parse/ip-addr.ts';
import { type NftTable, readNftRuleset } from './parse/nft.ts';
import { parsePing, type PingSummary } from './parse/ping.ts';
import { parsePvLog, type PvLog } from './parse/pv-log.ts';
import { iptablesProblem, type IptablesRule, parseIptablesS } from './parse/iptables.ts';
import { quoteOutput } from './parse/lines.ts';
import { exitReason } from './exit-status.ts';
import type { PvVersion } from './pv-version.ts';
import { parseProgress, type UpdateProgress } from './parse/pv-progress.ts';
import { isJsonObject, parseJsonBounded } from './parse/json-bounded.ts';
import type { CapabilityProbe } from './capabilities.ts';

export const FILES = {
  lxcLs: 'lxc-ls.txt',
  deviceJson: 'device.json',
  log: 'pantavisor.log',
  ipAddr: 'ip-addr.txt',
  nft: 'nft-ruleset.txt',
} as const;

/** Files gathered only when a scenario's checks read them (a command the target may lack). */
export const OPTIONAL_FILES = {
  iptablesNat: 'iptables-nat.txt',
} as const;

/**
 * The files of an update (issue 16), gathered only when a check reads them: the name carries the
 * revision, `/` written as `+` (a revision name never holds a `+`). Their commands: gather.ts
 * optionalCommand.
 *   progress-<rev>.json     pvcontrol steps show-progress <rev>
 *   pantavisor-<rev>.log    cat <STORAGE_PATH>/logs/<rev>/pantavisor/pantavisor.log   (rev 0: pantavisor.log)
 *   logs-current.txt        readlink <STORAGE_PATH>/logs/current
 */
export const UPDATE_FILES = {
  logsCurrent: 'logs-current.txt',
} as const;

/** The revision as a file-name part: `locals/x` -> `locals+x`. */
export function revisionInFileName(rev: string): string {
  return rev.replace(/\//g, '+');
}

/** The revision a file-name part names: `locals+x` -> `locals/x`. */
export function revisionFromFileName(part: string): string {
  return part.replace(/\+/g, '/');
}

/** `progress-locals+x.json`: what `pvcontrol steps show-progress locals/x` printed. */
export function progressFileName(rev: string): string {
  return `progress-${revisionInFileName(rev)}.json`;
}

/** The log of a revision: rev 0 (or none) is pantavisor.log (LOG_FILE), another `pantavisor-locals+x.log`. */
export function revisionLogFileName(rev?: string): string {
  return rev === undefined || rev === '0' ? FILES.log : `pantavisor-${revisionInFileName(rev)}.log`;
}

/**
 * `update-logs-locals+x.txt`: `cat <STORAGE_PATH>/trails/locals/x/.pv/logs`, the ERROR lines
 * pantavisor's log server writes there during the update, before a report carries them as `logs`
 * (update_progress.c _load_logs: a final status is reported first, its logs ~1 s later).
 */
export function updateLogsFileName(rev: string): string {
  return `update-logs-${revisionInFileName(rev)}.txt`;
}

/** The revision of an update-logs-<rev>.txt, or undefined for another file. */
export function updateLogsFileRevision(file: string): string | undefined {
  const m = /^update-logs-(.+)\.txt$/.exec(file);
  return m ? revisionFromFileName(m[1]) : undefined;
}

/** The revision of a progress-<rev>.json, or undefined for another file. */
export function progressFileRevision(file: string): string | undefined {
  const m = /^progress-(.+)\.json$/.exec(file);
  return m ? revisionFromFileName(m[1]) : undefined;
}

/** The revision of a pantavisor-<rev>.log, or undefined for another file. */
export function revisionLogFileRevision(file: string): string | undefined {
  const m = /^pantavisor-(.+)\.log$/.exec(file);
  return m ? revisionFromFileName(m[1]) : undefined;
}

/** A file of an update (UPDATE_FILES, progress-<rev>.json, pantavisor-<rev>.log). */
export function isUpdateFile(file: string): boolean {
  return file === UPDATE_FILES.logsCurrent || progressFileRevision(file) !== undefined || revisionLogFileRevision(file) !== undefined || updateLogsFileRevision(file) !== undefined;
}

const DEFAULT_STORAGE = '/var/pantavisor/storage';

/**
 * STORAGE_PATH as given, else the one LOG_FILE sits in (`<storage>/logs/0/pantavisor/pantavisor.log`),
 * else the default: a revision's log is LOG_FILE with `0` replaced by the revision.
 */
export function storageOf(p: { storagePath?: string; logFile: string }): string {
  if (p.storagePath) return p.storagePath.replace(/(.)\/+$/, '$1');
  const m = /^(.*)\/logs\/0\/pantavisor\/pantavisor\.log$/.exec(p.logFile);
  return m && m[1] ? m[1] : DEFAULT_STORAGE;
}

/** `<storage>/logs/<rev>/pantavisor/pantavisor.log`: where pantavisor logs while running that revision. */
export function revisionLogPath(p: { storagePath?: string; logFile: string }, rev: string): string {
  return `${storageOf(p)}/logs/${rev}/pantavisor/pantavisor.log`;
}

/** pvcontrol's exit status when pv-ctrl gives no answer (curl failed: pantavisor relaunching) or not HTTP 200 (e.g. 404, no such revision yet). */
export const PVCONTROL_NOT_ANSWERING = 255;
/**
 * pvcontrol's exit statuses that mean pantavisor did not answer (observed on the dev appengine,
 * pantavisor 303584a7): 255 after curl's 5-s connect timeout while it tears down, 1 (`ERROR: got
 * no response`) while pv-appengine waits to relaunch it, and CMD_TIMEOUT's kill (124, 137, 143)
 * when it hangs while shutting down (the lab).
 */
export const PVCONTROL_NO_ANSWER = new Set([PVCONTROL_NOT_ANSWERING, 1, 124, 137, 143]);

/** What a progress-<rev>.json holds: the progress, or that pantavisor did not answer (pvcontrol exit 255, not an error). */
export type ProgressState = { progress: UpdateProgress; notAnswering?: undefined } | { progress?: undefined; notAnswering: string };

/** Extra files a live capture adds (not needed by any check). */
export const EXTRA_FILES = {
  pvcontrol: 'pvcontrol-ls.json',
  appengineOut: 'pv-appengine.out',
  meta: 'meta.json',
  /** each command's exit status in the round, by bundle file (a bundle without it: see exitStatuses) */
  exitStatus: 'exit-status.json',
} as const;

export function pingFileName(from: string, to: string): string {
  return `ping-${from}-${to}.txt`;
}

/** What a bundle says about how it was captured (meta.json). */
export interface BundleMeta {
  tool: 'pv-ipam-tests';
  scenario: string;
  target: string;
  targetLabel: string;
  externalHost: string;
  capturedAt: string;
  steps: string[];
  /** what the capability probes found (command probes cannot be re-run offline) */
  capabilities?: Record<string, CapabilityProbe>;
  /** the image's pantavisor-version.json as read at boot (lib/pv-version.ts): offline, known issues are judged for it again */
  pantavisorVersion?: PvVersion;
  /** captured on a running device (lib/device/form.ts): the revision installed, judged offline as onDevice(scenario, revision) */
  device?: { revision: string; baseline: string; form: 'update' | 'testing-rollback' };
}

export interface PoolDef {
  type?: string;
  bridge?: string;
  subnet?: string;
  gateway?: string;
  nat?: unknown;
}

export interface StepState {
  files: Record<string, string>;
  lxc: LxcRow[];
  /** undefined when device.json is missing or not JSON */
  device?: { network?: { pools?: Record<string, PoolDef> } } & Record<string, unknown>;
  deviceError?: string;
  log: PvLog;
  ifaces: Iface[];
  nft: NftTable[];
  /** rules of iptables-nat.txt (`iptables -t nat -S`), when gathered */
  iptables: IptablesRule[];
  pings: Record<string, { text: string; summary?: PingSummary }>;
  /** progress-<rev>.json by revision, when gathered and readable (unreadable ones: `unreadable`) */
  progress: Record<string, ProgressState>;
  /** pantavisor-<rev>.log by revision, parsed, when gathered (rev 0's is `log`) */
  revisionLogs: Record<string, PvLog>;
  /** the revision logs/current names (logs-current.txt), when gathered */
  runningRevision?: string;
  /** bundle files that were absent */
  missing: string[];
  /**
   * evidence files the toolkit could not read, with why (the text quoted): an output its parser
   * does not recognise, or a command that exited non-zero. The checks reading them are ERRORs.
   */
  unreadable: Record<string, string>;
}

/** The outputs read by parsers whose "nothing" would be a verdict (no containers, no rules). */
const PARSED_EVIDENCE: Record<string, (text: string) => string | undefined> = {
  [FILES.lxcLs]: (t) => readLxcLs(t).problem,
  [FILES.ipAddr]: ipAddrProblem,
  [FILES.nft]: (t) => readNftRuleset(t).problem,
  [OPTIONAL_FILES.iptablesNat]: iptablesProblem,
};

/**
 * The exit statuses a bundle records (exit-status.json), by file. A bundle without the file
 * (captured before it existed) records none: each file there counts as exit 0, judged on its
 * text alone, and an absent one is just missing, as before.
 */
export function exitStatuses(files: Record<string, string>): Record<string, number> | string {
  const text = files[EXTRA_FILES.exitStatus];
  if (text === undefined) return {};
  const r = parseJsonBounded(text);
  const parsed = 'value' in r ? r.value : undefined;
  if (isJsonObject(parsed) && Object.values(parsed).every((v) => Number.isInteger(v))) return parsed as Record<string, number>;
  return `${EXTRA_FILES.exitStatus} is not {"file": status, ...}: ${quoteOutput(text)}`;
}

/**
 * Which evidence files cannot be read, and why (see StepState.unreadable). `known`: problems
 * the caller's parsers already found, by file (so that a round parses each output once).
 */
export function unreadableEvidence(files: Record<string, string>, known: Record<string, string | undefined> = {}): Record<string, string> {
  const statuses = exitStatuses(files);
  const out: Record<string, string> = {};
  const updateFiles = [...new Set([...Object.keys(files), ...(typeof statuses === 'string' ? [] : Object.keys(statuses))])].filter(isUpdateFile);
  const evidence: [string, (text: string) => string | undefined][] = [
    ...Object.entries(PARSED_EVIDENCE),
    ...updateFiles.map((f): [string, (text: string) => string | undefined] => [f, updateFileProblem(f)]),
  ];
  for (const [file, problemOf] of evidence) {
    const text = files[file];
    if (typeof statuses === 'string') {
      if (text !== undefined) out[file] = statuses;
      continue;
    }
    const code = statuses[file];
    // "not yet" (pvcontrol 255, no such log yet): whatever it printed, no evidence and no error
    if (code !== undefined && notYet(file, code)) continue;
    if (code !== undefined && code !== 0) {
      out[file] = text === undefined || text.trim() === '' ? `${file} missing: ${exitReason(code)}` : `${file}: ${exitReason(code)}, output ${quoteOutput(text)}`;
      continue;
    }
    if (text === undefined) continue;
    const problem = file in known ? known[file] : problemOf(text);
    if (problem) out[file] = `${file} not understood (${problem}): ${quoteOutput(text)}`;
  }
  return out;
}

/** What makes an update file's text unreadable: progress not JSON with a string status; a revision path that is empty. */
function updateFileProblem(file: string): (text: string) => string | undefined {
  if (progressFileRevision(file) !== undefined) {
    return (t) => {
      const r = parseProgress(t);
      return 'problem' in r ? r.problem : undefined;
    };
  }
  if (file === UPDATE_FILES.logsCurrent) return (t) => (revisionOfLink(t) === undefined ? 'not a revision path' : undefined);
  return () => undefined;
}

/**
 * An exit status of an update file's command that says "not yet", not "cannot be read":
 * pvcontrol 255 (pantavisor relaunching, or no such revision yet), `cat`/`readlink` 1 (the
 * revision's log or logs/current does not exist yet). Such a file is absent or not answering.
 */
function notYet(file: string, code: number): boolean {
  if (progressFileRevision(file) !== undefined) return PVCONTROL_NO_ANSWER.has(code);
  if (file === UPDATE_FILES.logsCurrent || revisionLogFileRevision(file) !== undefined || updateLogsFileRevision(file) !== undefined) return code === 1;
  return false;
}

/**
 * The revision `readlink <STORAGE_PATH>/logs/current` names: the lab and the real build write
 * `0` or `locals/X`; an absolute or relative target (`/storage/logs/locals/X`, `../logs/0`)
 * is taken from its `logs/` component on, or else as its last component(s) (`locals/X`, or one).
 */
export function revisionOfLink(text: string): string | undefined {
  const t = text.trim();
  if (t === '' || t.includes('\n')) return undefined;
  const parts = t.split('/').filter((p) => p !== '' && p !== '.');
  const logs = parts.lastIndexOf('logs');
  const rest = logs >= 0 ? parts.slice(logs + 1) : parts;
  if (rest.length === 0 || rest.includes('..')) return undefined;
  if (rest.length >= 2 && rest[rest.length - 2] === 'locals') return `locals/${rest[rest.length - 1]}`;
  return rest[rest.length - 1];
}

/** The update files of a step's bundle, parsed (StepState.progress, revisionLogs, runningRevision). */
function updateState(files: Record<string, string>, parsed: Record<string, ReturnType<typeof parseProgress>>): Pick<StepState, 'progress' | 'revisionLogs' | 'runningRevision'> {
  const statuses = exitStatuses(files);
  const progress: StepState['progress'] = {};
  const revisionLogs: StepState['revisionLogs'] = {};
  const names = new Set([...Object.keys(files), ...(typeof statuses === 'string' ? [] : Object.keys(statuses))]);
  for (const name of names) {
    const rev = progressFileRevision(name);
    if (rev !== undefined) {
      const code = typeof statuses === 'string' ? undefined : statuses[name];
      if (code !== undefined && PVCONTROL_NO_ANSWER.has(code)) {
        progress[rev] = { notAnswering: `pvcontrol steps show-progress ${rev} exited ${code} (pantavisor not answering, or no such revision)` };
      } else if (files[name] !== undefined) {
        const r = parsed[name] ?? parseProgress(files[name]);
        if ('progress' in r) progress[rev] = { progress: r.progress };
      }
      continue;
    }
    const logRev = revisionLogFileRevision(name);
    if (logRev !== undefined && files[name] !== undefined) revisionLogs[logRev] = parsePvLog(files[name]);
  }
  const link = files[UPDATE_FILES.logsCurrent];
  return { progress, revisionLogs, runningRevision: link === undefined ? undefined : revisionOfLink(link) };
}

/**
 * The parsed state of one step's bundle files. A live run that read pantavisor.log itself
 * (incrementally) passes it parsed, with whether the file existed.
 */
export function stateFromFiles(files: Record<string, string>, parsedLog?: { log: PvLog; present: boolean }): StepState {
  const missing = Object.values(FILES).filter((f) => (f === FILES.log && parsedLog ? !parsedLog.present : files[f] === undefined));
  let device: StepState['device'];
  let deviceError: string | undefined;
  let deviceProblem: string | undefined;
  if (files[FILES.deviceJson] === undefined) deviceError = `${FILES.deviceJson} missing`;
  else {
    try {
      const r = parseJsonBounded(files[FILES.deviceJson]);
      if ('problem' in r) throw new Error(r.problem);
      device = r.value as StepState['device'];
    } catch (e) {
      deviceError = `${FILES.deviceJson} is not JSON: ${(e as Error).message}`;
      deviceProblem = `not JSON: ${(e as Error).message}`;
    }
  }
  // each progress-<rev>.json parsed once (bounded: lib/parse/json-bounded.ts), for its state and its readability
  const progressParsed = Object.fromEntries(
    Object.entries(files).filter(([name]) => progressFileRevision(name) !== undefined).map(([name, text]) => [name, parseProgress(text)]),
  );
  const lxc = readLxcLs(files[FILES.lxcLs] ?? '');
  const nft = readNftRuleset(files[FILES.nft] ?? '');
  const pings: StepState['pings'] = {};
  for (const [name, text] of Object.entries(files)) {
    if (name.startsWith('ping-') && name.endsWith('.txt')) pings[name] = { text, summary: parsePing(text) };
  }
  return {
    files,
    lxc: lxc.rows,
    device,
    deviceError,
    log: parsedLog ? parsedLog.log : parsePvLog(files[FILES.log] ?? ''),
    ifaces: parseIpAddr(files[FILES.ipAddr] ?? ''),
    nft: nft.tables,
    iptables: parseIptablesS(files[OPTIONAL_FILES.iptablesNat] ?? ''),
    pings,
    ...updateState(files, progressParsed),
    missing,
    unreadable: withDeviceJson(
      unreadableEvidence(files, {
        [FILES.lxcLs]: lxc.problem,
        [FILES.nft]: nft.problem,
        ...Object.fromEntries(Object.entries(progressParsed).map(([name, r]) => [name, 'problem' in r ? r.problem : undefined])),
      }),
      files,
      deviceProblem ?? (device === undefined ? undefined : deviceJsonProblem(device)),
    ),
  };
}

/** The string fields of a device.json pool (parser_system1.c reads these and `nat`). */
const POOL_STRINGS = ['type', 'bridge', 'subnet', 'gateway'] as const;

/**
 * Why a parsed device.json is not the shape pantavisor reads (parser_system1.c), or undefined:
 * an object whose `network.pools`, when present, is an object of pools, each an object whose
 * type, bridge, subnet and gateway are strings and nat a boolean, when present. A field of another
 * type is quoted: never read as absent.
 */
export function deviceJsonProblem(device: unknown): string | undefined {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const q = (v: unknown) => {
    const t = JSON.stringify(v) ?? String(v);
    return t.length > 80 ? `${t.slice(0, 80)}…` : t;
  };
  if (!isObj(device)) return `not a JSON object: ${q(device)}`;
  if (device.network === undefined) return undefined;
  if (!isObj(device.network)) return `"network" is not an object: ${q(device.network)}`;
  const pools = device.network.pools;
  if (pools === undefined) return undefined;
  if (!isObj(pools)) return `"network.pools" is not an object: ${q(pools)}`;
  for (const [name, pool] of Object.entries(pools)) {
    if (!isObj(pool)) return `pool "${name}" is not an object: ${q(pool)}`;
    for (const k of POOL_STRINGS) if (k in pool && typeof pool[k] !== 'string') return `pool "${name}": "${k}" is not a string: ${q(pool[k])}`;
    if ('nat' in pool && typeof pool.nat !== 'boolean') return `pool "${name}": "nat" is not a boolean: ${q(pool.nat)}`;
  }
  return undefined;
}

/**
 * The unreadable files with device.json's problem added: a device.json that is there but not
 * JSON, or not the shape pantavisor reads, cannot be read (its checks ERROR, quoting it).
 */
function withDeviceJson(unreadable: Record<string, string>, files: Record<string, string>, problem: string | undefined): Record<string, string> {
  const text = files[FILES.deviceJson];
  if (text === undefined || problem === undefined || unreadable[FILES.deviceJson]) return unreadable;
  return { ...unreadable, [FILES.deviceJson]: `${FILES.deviceJson} not understood (${problem}): ${quoteOutput(text)}` };
}

/** The pools device.json declares, or a reason why there are none. */
export function poolsOf(state: StepState): Record<string, PoolDef> | string {
  if (!state.device) return state.deviceError ?? 'device.json missing';
  const pools = state.device.network?.pools;
  if (!pools || typeof pools !== 'object') return 'device.json has no network.pools';
  return pools;
}
