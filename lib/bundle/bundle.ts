/**
 * The capture bundle: the files a capture writes and a verify reads, and the parsed state the
 * checks evaluate. Live verification builds exactly the same files, so a bundle attached to a
 * bug report gives the same verdict as the live run. Each file is an evidence source's
 * (lib/evidence/<source>.ts, listed in lib/evidence/index.ts): its name, command, parser and
 * readability rules live there; the names below are derived from those modules for this
 * module's many importers.
 */
import type { PvVersion } from '../judge/pv-version.ts';
import type { CapabilityProbe } from '../plan/capabilities.ts';
import type { LxcRow } from '../parse/lxc-ls.ts';
import type { Iface } from '../parse/ip-addr.ts';
import type { NftTable } from '../parse/nft.ts';
import type { PingSummary } from '../parse/ping.ts';
import type { PvLog } from '../parse/pv-log.ts';
import type { IptablesRule } from '../parse/iptables.ts';
import { type EvidenceSource, fileOf, paramOf, readOnce, revisionFromFileName, revisionInFileName } from '../evidence/source.ts';
import { requiredFiles, unreadableEvidence } from '../evidence/index.ts';
import { LXC_LS } from '../evidence/lxc-ls.ts';
import { DEVICE_JSON, deviceJsonProblem, type DeviceRead, type PoolDef, poolsOf } from '../evidence/device-json.ts';
import { PANTAVISOR_LOG } from '../evidence/pantavisor-log.ts';
import { IP_ADDR } from '../evidence/ip-addr.ts';
import { NFT } from '../evidence/nft.ts';
import { IPTABLES_NAT } from '../evidence/iptables.ts';
import { revisionOfLink, RUNNING_REVISION } from '../evidence/running-revision.ts';
import { notAnswering, PROGRESS, type ProgressState, PVCONTROL_NO_ANSWER, PVCONTROL_NOT_ANSWERING } from '../evidence/progress.ts';
import { REVISION_LOG, revisionLogFileName } from '../evidence/revision-log.ts';
import { UPDATE_LOGS } from '../evidence/update-logs.ts';
import { PVCONTROL_LS } from '../evidence/pvcontrol-ls.ts';
import { APPENGINE_OUT } from '../evidence/appengine-out.ts';
import { isPingFile, PING, pingFileName } from '../evidence/ping.ts';
import { EXIT_STATUS_FILE, exitStatuses } from '../evidence/exit-status.ts';
import { revisionLogPath, storageOf } from '../evidence/storage.ts';

export { deviceJsonProblem, exitStatuses, pingFileName, type PoolDef, poolsOf, type ProgressState, PVCONTROL_NO_ANSWER, PVCONTROL_NOT_ANSWERING, revisionLogFileName };
export { revisionFromFileName, revisionInFileName, revisionLogPath, revisionOfLink, storageOf, unreadableEvidence };

/** The files every round gathers (lib/evidence: the `always` sources). */
export const FILES = {
  lxcLs: fileOf(LXC_LS),
  deviceJson: fileOf(DEVICE_JSON),
  log: fileOf(PANTAVISOR_LOG),
  ipAddr: fileOf(IP_ADDR),
  nft: fileOf(NFT),
} as const;

/** Files gathered only when a scenario's checks read them (a command the target may lack). */
export const OPTIONAL_FILES = {
  iptablesNat: fileOf(IPTABLES_NAT),
} as const;

/**
 * The fixed-name file of an update (issue 16); the others carry the revision in their name
 * (progress-<rev>.json, pantavisor-<rev>.log, update-logs-<rev>.txt): lib/evidence/.
 */
export const UPDATE_FILES = {
  logsCurrent: fileOf(RUNNING_REVISION),
} as const;

/** Extra files a live capture adds (not needed by any check). */
export const EXTRA_FILES = {
  pvcontrol: fileOf(PVCONTROL_LS),
  appengineOut: fileOf(APPENGINE_OUT),
  meta: 'meta.json',
  /** each command's exit status in the round, by bundle file (a bundle without it: see exitStatuses) */
  exitStatus: EXIT_STATUS_FILE,
} as const;

/** `progress-locals+x.json`: what `pvcontrol steps show-progress locals/x` printed. */
export function progressFileName(rev: string): string {
  return fileOf(PROGRESS, rev);
}

/** `update-logs-locals+x.txt` (lib/evidence/update-logs.ts). */
export function updateLogsFileName(rev: string): string {
  return fileOf(UPDATE_LOGS, rev);
}

/** The revision of an update-logs-<rev>.txt, or undefined for another file. */
export function updateLogsFileRevision(file: string): string | undefined {
  return paramOf(UPDATE_LOGS, file);
}

/** The revision of a progress-<rev>.json, or undefined for another file. */
export function progressFileRevision(file: string): string | undefined {
  return paramOf(PROGRESS, file);
}

/** The revision of a pantavisor-<rev>.log, or undefined for another file. */
export function revisionLogFileRevision(file: string): string | undefined {
  return paramOf(REVISION_LOG, file);
}

const UPDATE_SOURCES: EvidenceSource[] = [RUNNING_REVISION, PROGRESS, REVISION_LOG, UPDATE_LOGS] as EvidenceSource[];

/** A file of an update (logs-current.txt, progress-<rev>.json, pantavisor-<rev>.log, update-logs-<rev>.txt). */
export function isUpdateFile(file: string): boolean {
  return UPDATE_SOURCES.some((s) => paramOf(s, file) !== undefined);
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
  /** the image's pantavisor-version.json as read at boot (lib/judge/pv-version.ts): offline, known issues are judged for it again */
  pantavisorVersion?: PvVersion;
  /** captured on a running device (lib/device/form.ts): the revision installed, judged offline as onDevice(scenario, revision) */
  device?: { revision: string; baseline: string; form: 'update' | 'testing-rollback' };
}

export interface StepState {
  files: Record<string, string>;
  lxc: LxcRow[];
  /** undefined when device.json is missing or not JSON */
  device?: DeviceRead['device'];
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

/** The update files of a step's bundle, parsed (StepState.progress, revisionLogs, runningRevision). */
function updateState(files: Record<string, string>): Pick<StepState, 'progress' | 'revisionLogs' | 'runningRevision'> {
  const statuses = exitStatuses(files);
  const progress: StepState['progress'] = {};
  const revisionLogs: StepState['revisionLogs'] = {};
  const names = new Set([...Object.keys(files), ...(typeof statuses === 'string' ? [] : Object.keys(statuses))]);
  for (const name of names) {
    const rev = paramOf(PROGRESS, name);
    if (rev !== undefined) {
      const code = typeof statuses === 'string' ? undefined : statuses[name];
      if (code !== undefined && PROGRESS.readability!.notYet!(code)) progress[rev] = notAnswering(rev, code);
      else if (files[name] !== undefined) {
        const p = readOnce(files, PROGRESS, name).value;
        if (p) progress[rev] = { progress: p };
      }
      continue;
    }
    const logRev = paramOf(REVISION_LOG, name);
    if (logRev !== undefined && files[name] !== undefined) revisionLogs[logRev] = readOnce(files, REVISION_LOG, name).value;
  }
  const link = files[UPDATE_FILES.logsCurrent];
  return { progress, revisionLogs, runningRevision: link === undefined ? undefined : readOnce(files, RUNNING_REVISION, UPDATE_FILES.logsCurrent).value };
}

/**
 * The parsed state of one step's bundle files, each read once by its source's parser
 * (lib/evidence/). A live run that read pantavisor.log itself (incrementally) passes it
 * parsed, with whether the file existed.
 */
export function stateFromFiles(files: Record<string, string>, parsedLog?: { log: PvLog; present: boolean }): StepState {
  const missing = requiredFiles().filter((f) => (f === FILES.log && parsedLog ? !parsedLog.present : files[f] === undefined));
  const value = <T>(s: EvidenceSource<T>): T => readOnce(files, s, fileOf(s as EvidenceSource)).value;
  const device: DeviceRead = files[FILES.deviceJson] === undefined ? { deviceError: `${FILES.deviceJson} missing` } : value(DEVICE_JSON);
  const pings: StepState['pings'] = {};
  for (const [name, text] of Object.entries(files)) {
    if (isPingFile(name)) pings[name] = { text, summary: readOnce(files, PING, name).value };
  }
  return {
    files,
    lxc: value(LXC_LS),
    device: device.device,
    deviceError: device.deviceError,
    log: parsedLog ? parsedLog.log : value(PANTAVISOR_LOG),
    ifaces: value(IP_ADDR),
    nft: value(NFT),
    iptables: value(IPTABLES_NAT),
    pings,
    ...updateState(files),
    missing,
    unreadable: unreadableEvidence(files),
  };
}
