/**
 * The running revision, logs-current.txt: `readlink <STORAGE_PATH>/logs/current`, gathered only
 * when a check reads it. `readlink` exiting 1: the link does not exist yet (not yet).
 */
import { shellQuote as q } from '../tooling/shell-quote.ts';
import type { EvidenceSource } from './source.ts';
import { storageOf } from './storage.ts';

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

export const RUNNING_REVISION: EvidenceSource<string | undefined> = {
  name: 'running-revision',
  file: 'logs-current.txt',
  gathered: 'when-read',
  command: (p) => `readlink ${q(`${storageOf(p)}/logs/current`)}`,
  read: (text) => {
    const rev = revisionOfLink(text);
    return { value: rev, problem: rev === undefined ? 'not a revision path' : undefined };
  },
  readability: { exitStatus: true, notYet: (code) => code === 1 },
};
