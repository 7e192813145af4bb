/**
 * A revision's log, pantavisor-<rev>.log: `cat <STORAGE_PATH>/logs/<rev>/pantavisor/pantavisor.log`,
 * gathered only when a check reads it (rev 0's is pantavisor.log). `cat` exiting 1: the revision
 * has not logged yet (not yet, not unreadable).
 */
import { parsePvLog, type PvLog } from '../parse/pv-log.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';
import { PANTAVISOR_LOG } from './pantavisor-log.ts';
import { type EvidenceSource, perRevision } from './source.ts';
import { revisionLogPath } from './storage.ts';

const FILE = perRevision('pantavisor-', '.log');

export const REVISION_LOG: EvidenceSource<PvLog> = {
  name: 'revision-log',
  file: FILE,
  gathered: 'when-read',
  command: (p, rev) => `cat ${q(revisionLogPath(p, rev))}`,
  read: (text) => ({ value: parsePvLog(text) }),
  readability: { exitStatus: true, notYet: (code) => code === 1 },
};

/** The log of a revision: rev 0 (or none) is pantavisor.log (LOG_FILE), another `pantavisor-locals+x.log`. */
export function revisionLogFileName(rev?: string): string {
  return rev === undefined || rev === '0' ? PANTAVISOR_LOG.file as string : FILE.of(rev);
}
