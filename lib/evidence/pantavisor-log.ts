/** pantavisor.log (LOG_FILE): rev 0's log; its lines are what log checks match. A live run reads it incrementally (scripts), a bundle whole. */
import { parsePvLog, type PvLog } from '../parse/pv-log.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';
import type { EvidenceSource } from './source.ts';

export const PANTAVISOR_LOG: EvidenceSource<PvLog> = {
  name: 'pantavisor-log',
  file: 'pantavisor.log',
  gathered: 'always',
  command: (p) => `cat ${q(p.logFile)}`,
  read: (text) => ({ value: parsePvLog(text) }),
};
