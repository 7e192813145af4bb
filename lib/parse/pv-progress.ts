/**
 * `pvcontrol steps show-progress REV`: one JSON object (observed §11, verbatim shape)
 *   {"status":"UPDATED","status-msg":"Update finished, revision not set as rollback point","progress":100,"retries":0,"logs":"<JSON lines>"}
 * `logs` holds the ERRORs pantavisor logged for the update, one JSON object a line:
 *   {"tsec":962,...,"lvl":"ERROR","src":"parser-system1","msg":"failed to add pool 'internal'"}
 * Pure: text in, the parsed progress or why it is not one out.
 */
import { quoteOutput } from './lines.ts';
import { parseJsonBounded } from './json-bounded.ts';

export interface ProgressLogEntry {
  /** the whole object as printed (every field, for `actual`) */
  raw: Record<string, unknown>;
  tsec?: number;
  level?: string;
  source?: string;
  message?: string;
}

export interface UpdateProgress {
  status: string;
  statusMsg?: string;
  progress?: number;
  retries?: number;
  /** the `logs` field as printed ('' when absent) */
  logsText: string;
}

/** The statuses after which an update's progress no longer changes. */
export const FINAL_STATUSES = ['UPDATED', 'DONE', 'ERROR', 'WONTGO'] as const;

export function isFinalStatus(status: string): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

/** The progress in `text`, or why it is not one (not JSON, not an object, no string `status`). */
export function parseProgress(text: string): { progress: UpdateProgress } | { problem: string } {
  // parsed once, within the JSON bounds (json-bounded.ts: size and nesting depth)
  const parsed = parseJsonBounded(text);
  if ('problem' in parsed) return { problem: parsed.problem.startsWith('not valid JSON') ? 'not JSON' : parsed.problem };
  const v = parsed.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { problem: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (typeof o.status !== 'string') return { problem: 'no string "status"' };
  const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
  return {
    progress: {
      status: o.status,
      statusMsg: typeof o['status-msg'] === 'string' ? o['status-msg'] : undefined,
      progress: num(o.progress),
      retries: num(o.retries),
      logsText: typeof o.logs === 'string' ? o.logs : '',
    },
  };
}

/** The entries of a progress's `logs` (JSON lines; blank lines skipped), or the first line that is not a JSON object. */
export function parseProgressLogs(logsText: string): { entries: ProgressLogEntry[] } | { problem: string } {
  const entries: ProgressLogEntry[] = [];
  const lines = logsText.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const parsed = parseJsonBounded(line);
    const v = 'value' in parsed ? parsed.value : undefined;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { problem: `logs line ${i + 1} is not a JSON object: ${quoteOutput(line)}` };
    const o = v as Record<string, unknown>;
    const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
    entries.push({ raw: o, tsec: typeof o.tsec === 'number' ? o.tsec : undefined, level: str(o.lvl), source: str(o.src), message: str(o.msg) });
  }
  return { entries };
}

/** `UPDATED "Update finished, revision not set as rollback point" (progress 100)`. */
export function describeProgress(p: UpdateProgress): string {
  return `${p.status}${p.statusMsg !== undefined ? ` ${JSON.stringify(p.statusMsg)}` : ''}${p.progress !== undefined ? ` (progress ${p.progress})` : ''}`;
}
