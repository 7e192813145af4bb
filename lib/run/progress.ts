/**
 * The one updating line a terminal shows while the toolkit waits: what it waits for, seconds
 * elapsed out of the deadline, and the last state seen, e.g.
 *   boot: 4.2/90 s — boot-settled: none in 57 log lines; last: [ipam] allocated 10.0.5.2/24 ...
 */
import type { StepState } from '../bundle/bundle.ts';

export interface Unmet {
  id: string;
  actual: string;
}

/** The last state seen, from the unmet conditions and the newest log line. */
export function lastSeen(unmet: Unmet[], state?: StepState): string {
  const parts = unmet.map((u) => `${u.id}: ${u.actual}`);
  const last = state?.log.lines[state.log.lines.length - 1];
  if (last) parts.push(`last: [${last.module}] ${last.message}`);
  return parts.join('; ') || 'waiting';
}

/** One line, cut to the terminal width (columns), never wrapping. */
export function progressLine(what: string, elapsedMs: number, deadlineMs: number, seen: string, columns = 100): string {
  const line = `${what}: ${(elapsedMs / 1000).toFixed(1)}/${Math.round(deadlineMs / 1000)} s — ${seen}`.replace(/\s+/g, ' ');
  const width = Math.max(20, columns - 1);
  return line.length > width ? line.slice(0, width - 1) + '…' : line;
}
