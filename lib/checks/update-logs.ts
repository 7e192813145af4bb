/**
 * kind "update-logs": the `logs` of `pvcontrol steps show-progress REV` (JSON lines, one per ERROR
 * pantavisor logged for the update, observed §11.1:
 * `{"tsec":962,...,"lvl":"ERROR","src":"parser-system1","msg":"failed to add pool 'internal'"}`)
 * has this many entries matching `entry` (every field given: level = `lvl`, source = `src`,
 * text = the whole `msg`, regex tested on `msg`); default at least one. "No ERROR reported":
 * `{"entry":{"level":"ERROR"},"count":{"eq":0}}`. A line of `logs` that is not a JSON object
 * makes the check an ERROR; pvcontrol exiting 255 (pantavisor relaunching) is "not yet".
 * A known issue's failure: `{"entries": [ENTRY, ...], "count"?: COUNT}`, the entries its failure
 * reports: every matching entry found must match one of them (and their number COUNT).
 */
import { progressFileName } from '../bundle/bundle.ts';
import { PROGRESS } from '../evidence/progress.ts';
import { showSource } from '../evidence/user-lines.ts';
import { type Count, countSatisfied, describeCount, REGEX_MESSAGE_CAP } from '../log-match.ts';
import { isFinalStatus, parseProgressLogs, type ProgressLogEntry } from '../parse/pv-progress.ts';
import type { CheckBase, CheckKind, KnownFailure } from './kind.ts';
import { REVISION_SCHEMA } from './update-progress.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface ProgressLogPattern {
  level?: string;
  source?: string;
  text?: string;
  regex?: string;
}

export interface UpdateLogsCheck extends CheckBase {
  kind: 'update-logs';
  revision: string;
  entry?: ProgressLogPattern;
  count?: Count;
}

export function entryMatches(e: ProgressLogEntry, p: ProgressLogPattern): boolean {
  if (p.level !== undefined && e.level !== p.level) return false;
  if (p.source !== undefined && e.source !== p.source) return false;
  if (p.text !== undefined && e.message !== p.text) return false;
  if (p.regex !== undefined) {
    const msg = e.message ?? '';
    if (!new RegExp(p.regex).test(msg.length > REGEX_MESSAGE_CAP ? msg.slice(0, REGEX_MESSAGE_CAP) : msg)) return false;
  }
  return true;
}

/** `level ERROR, source parser-system1, msg "failed to add pool 'internal'"`, or `any`. */
export function describeEntry(p: ProgressLogPattern | undefined): string {
  if (!p) return 'any';
  const parts = [
    p.level !== undefined ? `level ${p.level}` : undefined,
    p.source !== undefined ? `source ${p.source}` : undefined,
    p.text !== undefined ? `msg ${JSON.stringify(p.text)}` : undefined,
    p.regex !== undefined ? `msg /${p.regex}/` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'any';
}

/** "entry" after "exactly 1", "at least 1", "at most 1"; "entries" otherwise. */
function entries(c: Count): string {
  const given = [c.eq, c.ge, c.le].filter((n) => n !== undefined);
  return given.length === 1 && given[0] === 1 ? 'entry' : 'entries';
}

function shortEntry(e: ProgressLogEntry): string {
  const msg = e.message ?? '';
  return `${e.level ?? '?'} ${e.source ?? '?'} ${JSON.stringify(msg.length > 100 ? `${msg.slice(0, 100)}…` : msg)}`;
}

/** knownIssue.failure of an update-logs check: the entries its failure reports (and how many). */
export interface UpdateLogsFailure {
  entries: ProgressLogPattern[];
  count?: Count;
}

/** What the check saw: the entries that match the check's `entry`. */
export interface UpdateLogsObserved {
  found: ProgressLogEntry[];
}

const ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    level: { enum: ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'], description: 'the entry\'s "lvl"' },
    source: { type: 'string', description: 'the entry\'s "src" (the log module, e.g. parser-system1)' },
    text: { type: 'string', description: 'the entry\'s whole "msg"' },
    regex: { type: 'string', format: 'regex', description: 'a regular expression tested on "msg"' },
  },
};

export const UPDATE_LOGS_FAILURE: KnownFailure<UpdateLogsFailure, UpdateLogsObserved> = {
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['entries'],
    properties: { entries: { type: 'array', minItems: 1, items: ENTRY_SCHEMA }, count: { $ref: '#/definitions/count' } },
  },
  matches: (f, o) =>
    o !== undefined && o.found.length > 0 && o.found.every((e) => f.entries.some((p) => entryMatches(e, p))) &&
    (f.count === undefined || countSatisfied(o.found.length, f.count)),
  describe: (f) => `${f.count ? `${describeCount(f.count)} ` : ''}entr(ies) with ${f.entries.map(describeEntry).join(' or ')} and no other`,
};

export function updateLogs(check: UpdateLogsCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const count = check.count ?? { ge: 1 };
  const expected = `${check.revision}: ${describeCount(count)} progress log ${entries(count)} with ${describeEntry(check.entry)}`;
  const got = state.progress[check.revision];
  if (!got) return { pass: false, expected, actual: `${progressFileName(check.revision)} missing` };
  if (got.notAnswering !== undefined) return { pass: false, expected, actual: got.notAnswering };
  const logs = parseProgressLogs(got.progress.logsText);
  if ('problem' in logs) return { pass: false, error: true, expected, actual: `${progressFileName(check.revision)}: ${logs.problem}` };
  const found = logs.entries.filter((e) => check.entry === undefined || entryMatches(e, check.entry));
  const done = isFinalStatus(got.progress.status);
  const pass = countSatisfied(found.length, count);
  const shown = found.slice(0, 3).map(shortEntry).join(' | ') + (found.length > 3 ? ` | … (${found.length - 3} more)` : '');
  const of = `${logs.entries.length} entr${logs.entries.length === 1 ? 'y' : 'ies'}, status ${got.progress.status}`;
  return {
    pass,
    ...(!pass ? { observed: { found } satisfies UpdateLogsObserved } : {}),
    // the logs of a finished update no longer change; more entries than eq/le allow never go away
    ...(!pass && (done || found.length > Math.min(count.eq ?? Infinity, count.le ?? Infinity)) ? { final: true } : {}),
    expected,
    actual: found.length ? `${found.length} (of ${of}): ${shown}` : `none (of ${of})`,
  };
}

export const KIND: CheckKind<UpdateLogsCheck> = {
  kind: 'update-logs',
  schema: {
    description: 'the "logs" of pvcontrol steps show-progress REVISION (JSON lines of the ERRORs logged for the update) have this many entries matching `entry` (default: at least one)',
    properties: {
      revision: REVISION_SCHEMA,
      entry: ENTRY_SCHEMA,
      count: { $ref: '#/definitions/count' },
    },
    required: ['revision'],
  },
  files: (c) => [progressFileName(c.revision)],
  evaluate: updateLogs,
  knownFailure: UPDATE_LOGS_FAILURE,
  evidence: (c, p, exec) => [showSource(PROGRESS, p, exec, c.revision)],
  condition: (c, code) =>
    `the logs of ${code(`pvcontrol steps show-progress ${c.revision}`)} have ${describeCount(c.count ?? { ge: 1 })} ${entries(c.count ?? { ge: 1 })} with ${code(describeEntry(c.entry))}`,
};
