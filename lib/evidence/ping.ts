/**
 * A ping between two containers (ping-FROM-TO.txt), one file per ping of the step: the plan's
 * `ping -c 2 HOST` in the container, bounded with `-W` so that a ping the plan expects to fail
 * costs about 2 s instead of busybox's ~10 s default wait. Its text is judged by ping checks.
 */
import { parsePing, type PingSummary } from '../parse/ping.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';
import type { EvidenceSource } from './source.ts';

export interface PingPair {
  from: string;
  to: string;
}

export function pingFileName(from: string, to: string): string {
  return `ping-${from}-${to}.txt`;
}

export function pingCommand(p: PingPair, waitSecs = 1): string {
  return `pventer -c ${q(p.from)} ping -c 2 -W ${waitSecs} ${q(p.to)}`;
}

/** Whether a bundle file is a ping's (its pair is not recoverable from the name: the step's pings say it). */
export function isPingFile(file: string): boolean {
  return file.startsWith('ping-') && file.endsWith('.txt');
}

/**
 * The ping source: its file parameter is `FROM TO`; a file name does not give it back (names may
 * hold `-`), so the step's pings say which files there are. The gather script runs them in
 * parallel per source container (lib/bundle/gather.ts), after every other command of the round.
 */
export const PING: EvidenceSource<PingSummary | undefined> = {
  name: 'ping',
  file: {
    of: (pair) => {
      const [from, to] = pair.split(' ');
      return pingFileName(from, to);
    },
    param: () => undefined,
  },
  gathered: 'per-ping',
  command: (p, pair) => {
    const [from, to] = pair.split(' ');
    return pingCommand({ from, to }, p.pingWaitSecs);
  },
  read: (text) => ({ value: parsePing(text) }),
};
