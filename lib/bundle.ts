/**
 * The capture bundle: the fixed set of files a capture writes and a verify reads, and the
 * parsed state the checks evaluate. Live verification builds exactly the same files, so a
 * bundle attached to a bug report gives the same verdict as the live run.
 */
import { parseLxcLs, type LxcRow } from './parse/lxc-ls.ts';
import { parseIpAddr, type Iface } from './parse/ip-addr.ts';
import { parseNftRuleset, type NftTable } from './parse/nft.ts';
import { parsePing, type PingSummary } from './parse/ping.ts';
import { parsePvLog, type PvLog } from './parse/pv-log.ts';
import { parseIptablesS, type IptablesRule } from './parse/iptables.ts';
import type { CapabilityProbe } from './report.ts';

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
  const pings: StepState['pings'] = {};
  for (const [name, text] of Object.entries(files)) {
    if (name.startsWith('ping-') && name.endsWith('.txt')) pings[name] = { text, summary: parsePing(text) };
  }
  return {
    files,
    lxc: parseLxcLs(files[FILES.lxcLs] ?? ''),
    device,
    deviceError,
    log: parsedLog ? parsedLog.log : parsePvLog(files[FILES.log] ?? ''),
    ifaces: parseIpAddr(files[FILES.ipAddr] ?? ''),
    nft: parseNftRuleset(files[FILES.nft] ?? ''),
    iptables: parseIptablesS(files[OPTIONAL_FILES.iptablesNat] ?? ''),
    pings,
    missing,
  };
}

/** The pools device.json declares, or a reason why there are none. */
export function poolsOf(state: StepState): Record<string, PoolDef> | string {
  if (!state.device) return state.deviceError ?? 'device.json missing';
  const pools = state.device.network?.pools;
  if (!pools || typeof pools !== 'object') return 'device.json has no network.pools';
  return pools;
}
