/**
 * The capture bundle: the fixed set of files a capture writes and a verify reads, and the
 * parsed state the checks evaluate. Live verification builds exactly the same files, so a
 * bundle attached to a bug report gives the same verdict as the live run.
 */
import { readLxcLs, type LxcRow } from './parse/lxc-ls.ts';
import { ipAddrProblem, parseIpAddr, type Iface } from './parse/ip-addr.ts';
import { readNftRuleset, type NftTable } from './parse/nft.ts';
import { parsePing, type PingSummary } from './parse/ping.ts';
import { parsePvLog, type PvLog } from './parse/pv-log.ts';
import { iptablesProblem, parseIptablesS, type IptablesRule } from './parse/iptables.ts';
import { quoteOutput } from './parse/lines.ts';
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
}

export interface PoolDef { type?: string; bridge?: string; subnet?: string; gateway?: string; nat?: unknown }

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
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => Number.isInteger(v))) return parsed;
  } catch { /* reported below */ }
  return `${EXTRA_FILES.exitStatus} is not {"file": status, ...}: ${quoteOutput(text)}`;
}

/** Why an exit status means the output is not what the command would print. */
export function exitReason(code: number): string {
  if (code === 124 || code === 137 || code === 143) return `killed by its timeout (CMD_TIMEOUT), exit ${code}`;
  if (code === 127) return 'command not found (exit 127)';
  if (code === 126) return 'command not executable (exit 126)';
  return `its command exited ${code}`;
}

/**
 * Which evidence files cannot be read, and why (see StepState.unreadable). `known`: problems
 * the caller's parsers already found, by file (so that a round parses each output once).
 */
export function unreadableEvidence(files: Record<string, string>, known: Record<string, string | undefined> = {}): Record<string, string> {
  const statuses = exitStatuses(files);
  const out: Record<string, string> = {};
  for (const [file, problemOf] of Object.entries(PARSED_EVIDENCE)) {
    const text = files[file];
    if (typeof statuses === 'string') {
      if (text !== undefined) out[file] = statuses;
      continue;
    }
    const code = statuses[file];
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

/**
 * The parsed state of one step's bundle files. A live run that read pantavisor.log itself
 * (incrementally) passes it parsed, with whether the file existed.
 */
export function stateFromFiles(files: Record<string, string>, parsedLog?: { log: PvLog; present: boolean }): StepState {
  const missing = Object.values(FILES).filter((f) => (f === FILES.log && parsedLog ? !parsedLog.present : files[f] === undefined));
  let device: StepState['device'];
  let deviceError: string | undefined;
  if (files[FILES.deviceJson] === undefined) deviceError = `${FILES.deviceJson} missing`;
  else {
    try {
      device = JSON.parse(files[FILES.deviceJson]);
    } catch (e) {
      deviceError = `${FILES.deviceJson} is not JSON: ${(e as Error).message}`;
    }
  }
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
    missing,
    unreadable: unreadableEvidence(files, { [FILES.lxcLs]: lxc.problem, [FILES.nft]: nft.problem }),
  };
}

/** The pools device.json declares, or a reason why there are none. */
export function poolsOf(state: StepState): Record<string, PoolDef> | string {
  if (!state.device) return state.deviceError ?? 'device.json missing';
  const pools = state.device.network?.pools;
  if (!pools || typeof pools !== 'object') return 'device.json has no network.pools';
  return pools;
}
