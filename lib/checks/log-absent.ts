/**
 * kind "log-absent": no line of pantavisor.log matches the pattern. With `revision`, the log of
 * that revision (logs/<rev>/pantavisor/pantavisor.log; "0" = pantavisor.log).
 * A known issue's failure: `{"lines": [PATTERN, ...], "count"?: COUNT}`, the lines its failure
 * writes: every line found must match one of them (and their number COUNT); a missing log, or a
 * line found that none of them describes, is not that failure.
 */
import { revisionLogFileName } from '../bundle/bundle.ts';
import { logGrep } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind, KnownFailure } from './kind.ts';
import { type Count, countSatisfied, describeCount, describePattern, findLines, lineMatches, type LogPattern, shortLine } from '../log-match.ts';
import type { PvLogLine } from '../parse/pv-log.ts';
import { REVISION_SCHEMA } from './update-progress.ts';
import { current, type EvalContext, logName, logOf, type Outcome } from './types.ts';

export interface LogAbsentCheck extends CheckBase {
  kind: 'log-absent';
  line: LogPattern;
  revision?: string;
}

/** knownIssue.failure of a log-absent check: the lines its failure writes (and how many). */
export interface LogAbsentFailure {
  lines: LogPattern[];
  count?: Count;
}

/** What the check saw: the lines found (none when the log was missing: observed is then undefined). */
export interface LogAbsentObserved {
  found: PvLogLine[];
}

export const LOG_ABSENT_FAILURE: KnownFailure<LogAbsentFailure, LogAbsentObserved> = {
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['lines'],
    properties: { lines: { type: 'array', minItems: 1, items: { $ref: '#/definitions/logPattern' } }, count: { $ref: '#/definitions/count' } },
  },
  matches: (f, o) =>
    o !== undefined && o.found.length > 0 && o.found.every((l) => f.lines.some((p) => lineMatches(l, p))) &&
    (f.count === undefined || countSatisfied(o.found.length, f.count)),
  describe: (f) => `${f.count ? `${describeCount(f.count)} ` : ''}line(s) ${f.lines.map(describePattern).join(' or ')} and no other`,
};

export function logAbsent(check: LogAbsentCheck, ctx: EvalContext): Outcome {
  const got = logOf(current(ctx), check.revision);
  const pattern = check.line;
  const expected = `no line ${describePattern(pattern)}${check.revision !== undefined && check.revision !== '0' ? ` in ${logName(check.revision)}` : ''}`;
  if (!got.log) return { pass: false, expected, actual: got.missing };
  const found = findLines(got.log.lines, pattern);
  return {
    pass: found.length === 0,
    ...(found.length > 0 ? { final: true } : {}),
    ...(found.length > 0 ? { observed: { found } satisfies LogAbsentObserved } : {}),
    expected,
    actual: found.length ? `${found.length}: ${found.slice(0, 2).map(shortLine).join(' | ')}` : `none in ${got.log.lines.length} log lines`,
  };
}

export const KIND: CheckKind<LogAbsentCheck> = {
  kind: 'log-absent',
  schema: {
    properties: {
      line: { $ref: '#/definitions/logPattern' },
      revision: { ...REVISION_SCHEMA, description: 'read the log of this revision (logs/<revision>/pantavisor/pantavisor.log); absent or "0": pantavisor.log' },
    },
    required: ['line'],
  },
  files: (c) => [revisionLogFileName(c.revision)],
  evaluate: logAbsent,
  evidence: logGrep,
  knownFailure: LOG_ABSENT_FAILURE,
  condition: (c, code) => `${logName(c.revision)} has no ${code(describePattern(c.line))}`,
  expectsNoOutput: () => true,
};
