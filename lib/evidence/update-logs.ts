/**
 * `update-logs-locals+x.txt`: `cat <STORAGE_PATH>/trails/locals/x/.pv/logs`, the ERROR lines
 * pantavisor's log server writes there during the update, before a report carries them as `logs`
 * (update_progress.c _load_logs: a final status is reported first, its logs ~1 s later). `cat`
 * exiting 1: not written yet.
 */
import { shellQuote as q } from '../tooling/shell-quote.ts';
import { type EvidenceSource, perRevision } from './source.ts';
import { storageOf } from './storage.ts';

export const UPDATE_LOGS: EvidenceSource<string> = {
  name: 'update-logs',
  file: perRevision('update-logs-', '.txt'),
  gathered: 'when-read',
  command: (p, rev) => `cat ${q(`${storageOf(p)}/trails/${rev}/.pv/logs`)}`,
  read: (text) => ({ value: text }),
  readability: { exitStatus: true, notYet: (code) => code === 1 },
};
