/**
 * kind "log-absent": no line of pantavisor.log matches the pattern. With `revision`, the log of
 * that revision (logs/<rev>/pantavisor/pantavisor.log; "0" = pantavisor.log).
 */
import { revisionLogFileName } from '../bundle.ts';
import { logGrep } from '../evidence.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { describePattern, findLines, type LogPattern, shortLine } from '../log-match.ts';
import { REVISION_SCHEMA } from './update-progress.ts';
import { current, type EvalContext, logName, logOf, type Outcome } from './types.ts';

export interface LogAbsentCheck extends CheckBase {
  kind: 'log-absent';
  line: LogPattern;
  revision?: string;
}

export function logAbsent(check: LogAbsentCheck, ctx: EvalContext): Outcome {
  const got = logOf(current(ctx), check.revision);
  const pattern = check.line;
  const expected = `no line ${describePattern(pattern)}${check.revision !== undefined && check.revision !== '0' ? ` in ${logName(check.revision)}` : ''}`;
  if (!got.log) return { pass: false, expected, actual: got.missing };
  const found = findLines(got.log.lines, pattern);
  return {
    pass: found.length === 0,
    ...(found.length > 0 ? { final: true } : {}),
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
  condition: (c, code) => `${logName(c.revision)} has no ${code(describePattern(c.line))}`,
  expectsNoOutput: () => true,
};
