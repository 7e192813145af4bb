/**
 * The registry of evidence sources: each source is one module lib/evidence/<source>.ts exporting
 * its EvidenceSource (source.ts), and is listed here once, in the order a round gathers them.
 * Everything keyed by source is derived from this list: the commands a round runs and their
 * order (lib/bundle/gather.ts), the files that must be there, the parsed state and which files cannot be
 * read (lib/bundle/bundle.ts). Adding a source needs its module and its line here; a check kind reads it
 * with valueOf (source.ts) and names its file in its `files`.
 */
import { quoteOutput } from '../parse/lines.ts';
import { APPENGINE_OUT } from './appengine-out.ts';
import { DEVICE_JSON } from './device-json.ts';
import { exitReason, exitStatuses } from './exit-status.ts';
import { IP_ADDR } from './ip-addr.ts';
import { IPTABLES_NAT } from './iptables.ts';
import { LXC_LS } from './lxc-ls.ts';
import { NFT } from './nft.ts';
import { PANTAVISOR_LOG } from './pantavisor-log.ts';
import { PING } from './ping.ts';
import { PROGRESS } from './progress.ts';
import { PVCONTROL_LS } from './pvcontrol-ls.ts';
import { REVISION_LOG } from './revision-log.ts';
import { RUNNING_REVISION } from './running-revision.ts';
import { type EvidenceSource, fileOf, paramOf, readOnce } from './source.ts';
import { UPDATE_LOGS } from './update-logs.ts';

/**
 * The sources, in gathering order: `always` ones first, then the `when-read` ones a scenario asks
 * for, then the `capture` ones, then the step's pings (lib/evidence/ping.ts).
 */
export const SOURCES: readonly EvidenceSource[] = [
  LXC_LS,
  DEVICE_JSON,
  PANTAVISOR_LOG,
  IP_ADDR,
  NFT,
  IPTABLES_NAT,
  RUNNING_REVISION,
  PROGRESS,
  UPDATE_LOGS,
  REVISION_LOG,
  PVCONTROL_LS,
  APPENGINE_OUT,
  PING,
] as EvidenceSource[];

/** The sources gathered `when`, in order. */
export function sourcesGathered(when: EvidenceSource['gathered']): EvidenceSource[] {
  return SOURCES.filter((s) => s.gathered === when);
}

/** The source of a bundle file and the parameter its name carries, or undefined (a ping, meta.json, a file of no source). */
export function sourceOfFile(file: string): { source: EvidenceSource; param: string } | undefined {
  for (const source of SOURCES) {
    const param = paramOf(source, file);
    if (param !== undefined) return { source, param };
  }
  return undefined;
}

/** The files every round gathers (`always`, one fixed name each): absent ones are StepState.missing. */
export function requiredFiles(): string[] {
  return sourcesGathered('always').filter((s) => typeof s.file === 'string').map((s) => fileOf(s));
}

/**
 * Which evidence files cannot be read, and why (StepState.unreadable): for each source with a
 * `readability` rule, a command that exited non-zero (unless its status means "not yet"), or an
 * output its parser does not recognise. `known`: problems the caller's parsers already found, by file.
 */
export function unreadableEvidence(files: Record<string, string>, known: Record<string, string | undefined> = {}): Record<string, string> {
  const statuses = exitStatuses(files);
  const out: Record<string, string> = {};
  const candidates = new Set<string>();
  for (const s of SOURCES) if (s.readability && typeof s.file === 'string') candidates.add(s.file);
  for (const f of [...Object.keys(files), ...(typeof statuses === 'string' ? [] : Object.keys(statuses))]) {
    const s = sourceOfFile(f)?.source;
    if (s?.readability && typeof s.file !== 'string') candidates.add(f);
  }
  for (const file of candidates) {
    const source = sourceOfFile(file)!.source;
    const rule = source.readability!;
    const text = files[file];
    if (rule.exitStatus) {
      if (typeof statuses === 'string') {
        if (text !== undefined) out[file] = statuses;
        continue;
      }
      const code = statuses[file];
      // "not yet" (pvcontrol 255, no such log yet): whatever it printed, no evidence and no error
      if (code !== undefined && rule.notYet?.(code)) continue;
      if (code !== undefined && code !== 0) {
        out[file] = text === undefined || text.trim() === '' ? `${file} missing: ${exitReason(code)}` : `${file}: ${exitReason(code)}, output ${quoteOutput(text)}`;
        continue;
      }
    }
    if (text === undefined) continue;
    const problem = file in known ? known[file] : readOnce(files, source, file).problem;
    if (problem) out[file] = `${file} not understood (${problem}): ${quoteOutput(text)}`;
  }
  return out;
}
