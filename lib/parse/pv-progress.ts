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

/** The statuses pantavisor prints (update_progress.c _ser_update_progress_status; UNKNOWN is its default). */
export const PROGRESS_STATUSES = ['NEW', 'QUEUED', 'DOWNLOADING', 'INPROGRESS', 'TESTING', 'UPDATED', 'DONE', 'WONTGO', 'ERROR', 'UNKNOWN'] as const;

/** The levels of a `logs` entry's "lvl" (log.c level_names). */
export const PROGRESS_LOG_LEVELS = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const;

/** A JSON value quoted for a message (cut at 80 characters). */
function quoteValue(v: unknown): string {
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}

/** "an array", "a number", "null", ...: the JSON type of a value, for a message. */
function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Why field `key` of `o` is not what pantavisor prints (a string, or an integer within [min, max]), or undefined (absent is fine). */
function fieldProblem(o: Record<string, unknown>, key: string, want: 'string' | { min: number; max: number }): string | undefined {
  if (!(key in o)) return undefined;
  const v = o[key];
  if (want === 'string') return typeof v === 'string' ? undefined : `"${key}" is ${typeOf(v)}, not a string: ${quoteValue(v)}`;
  if (typeof v !== 'number' || !Number.isInteger(v)) return `"${key}" is ${typeOf(v)}, not an integer: ${quoteValue(v)}`;
  return v < want.min || v > want.max ? `"${key}" is out of range ${want.min}..${want.max}: ${quoteValue(v)}` : undefined;
}

/**
 * The progress in `text`, or why it is not one. The shape pantavisor prints (update_progress.c
 * _ser_update_progress): an object with "status" one of PROGRESS_STATUSES and, when present,
 * "status-msg" a string, "progress" an integer 0..100, "retries" an integer >= 0, "logs" a
 * string; other fields (e.g. "downloads") are not read. A field of another type or out of range
 * is "not understood", quoted: never read as absent.
 */
export function parseProgress(text: string): { progress: UpdateProgress } | { problem: string } {
  // parsed once, within the JSON bounds (json-bounded.ts: size and nesting depth)
  const parsed = parseJsonBounded(text);
  if ('problem' in parsed) return { problem: parsed.problem.startsWith('not valid JSON') ? 'not JSON' : parsed.problem };
  const v = parsed.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { problem: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (typeof o.status !== 'string') return { problem: 'status' in o ? `"status" is ${typeOf(o.status)}, not a string: ${quoteValue(o.status)}` : 'no string "status"' };
  if (!(PROGRESS_STATUSES as readonly string[]).includes(o.status)) return { problem: `"status" is not a status pantavisor prints: ${quoteValue(o.status)}` };
  const problem = fieldProblem(o, 'status-msg', 'string') ?? fieldProblem(o, 'progress', { min: 0, max: 100 }) ??
    fieldProblem(o, 'retries', { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? fieldProblem(o, 'logs', 'string');
  if (problem) return { problem };
  return {
    progress: {
      status: o.status,
      statusMsg: o['status-msg'] as string | undefined,
      progress: o.progress as number | undefined,
      retries: o.retries as number | undefined,
      logsText: (o.logs as string | undefined) ?? '',
    },
  };
}

/**
 * The entries of a progress's `logs` (JSON lines; blank lines skipped), or the first line that is
 * not what pantavisor prints: a JSON object whose "tsec" (when present) is an integer >= 0, "lvl"
 * one of PROGRESS_LOG_LEVELS, "src" and "msg" strings.
 */
export function parseProgressLogs(logsText: string): { entries: ProgressLogEntry[] } | { problem: string } {
  const entries: ProgressLogEntry[] = [];
  const lines = logsText.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const parsed = parseJsonBounded(line);
    const v = 'value' in parsed ? parsed.value : undefined;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { problem: `logs line ${i + 1} is not a JSON object: ${quoteOutput(line)}` };
    const o = v as Record<string, unknown>;
    const problem = fieldProblem(o, 'tsec', { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? fieldProblem(o, 'lvl', 'string') ?? fieldProblem(o, 'src', 'string') ??
      fieldProblem(o, 'msg', 'string') ??
      ('lvl' in o && !(PROGRESS_LOG_LEVELS as readonly string[]).includes(o.lvl as string) ? `"lvl" is not a level pantavisor logs: ${quoteValue(o.lvl)}` : undefined);
    if (problem) return { problem: `logs line ${i + 1}: ${problem}` };
    entries.push({ raw: o, tsec: o.tsec as number | undefined, level: o.lvl as string | undefined, source: o.src as string | undefined, message: o.msg as string | undefined });
  }
  return { entries };
}

/** `UPDATED "Update finished, revision not set as rollback point" (progress 100)`. */
export function describeProgress(p: UpdateProgress): string {
  return `${p.status}${p.statusMsg !== undefined ? ` ${JSON.stringify(p.statusMsg)}` : ''}${p.progress !== undefined ? ` (progress ${p.progress})` : ''}`;
}
