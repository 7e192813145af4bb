/**
 * kind "log-contains": pantavisor.log has lines matching the pattern (at least one, or `count`).
 * With `revision`, the log of that revision (logs/<rev>/pantavisor/pantavisor.log; "0" = pantavisor.log).
 */
import { revisionLogFileName } from '../bundle/bundle.ts';
import { logGrep } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { type Count, countSatisfied, describeCount, describePattern, findLines, type LogPattern, shortLine } from '../log-match.ts';
import { REVISION_SCHEMA } from './update-progress.ts';
import { current, type EvalContext, logName, logOf, type Outcome } from './types.ts';

export interface LogContainsCheck extends CheckBase {
  kind: 'log-contains';
  line: LogPattern;
  count?: Count;
  revision?: string;
}

export function logContains(check: LogContainsCheck, ctx: EvalContext): Outcome {
  const got = logOf(current(ctx), check.revision);
  const pattern = check.line;
  const count = check.count ?? { ge: 1 };
  const expected = `${describeCount(count)} line(s) ${describePattern(pattern)}${check.revision !== undefined && check.revision !== '0' ? ` in ${logName(check.revision)}` : ''}`;
  if (!got.log) return { pass: false, expected, actual: got.missing };
  const found = findLines(got.log.lines, pattern);
  const shown = found.slice(0, 3).map(shortLine).join(' | ') + (found.length > 3 ? ` | … (${found.length - 3} more)` : '');
  return {
    pass: countSatisfied(found.length, count),
    // more lines than `eq`/`le` allow: more can come, none can go
    ...(found.length > Math.min(count.eq ?? Infinity, count.le ?? Infinity) ? { final: true } : {}),
    expected,
    actual: found.length ? `${found.length}: ${shown}` : `none in ${got.log.lines.length} log lines`,
  };
}

export const KIND: CheckKind<LogContainsCheck> = {
  kind: 'log-contains',
  schema: {
    properties: {
      line: { $ref: '#/definitions/logPattern' },
      count: { $ref: '#/definitions/count' },
      revision: { ...REVISION_SCHEMA, description: 'read the log of this revision (logs/<revision>/pantavisor/pantavisor.log); absent or "0": pantavisor.log' },
    },
    required: ['line'],
  },
  files: (c) => [revisionLogFileName(c.revision)],
  evaluate: logContains,
  evidence: logGrep,
  condition: (c, code) => `${logName(c.revision)} has ${c.count ? `${describeCount(c.count)} ` : ''}${code(describePattern(c.line))}`,
  expectsNoOutput: (c) => c.count?.eq === 0,
  // make bench times pantavisor.log's lines only
  logEvent: (c) => (revisionLogFileName(c.revision) === 'pantavisor.log' ? { pattern: c.line, nth: c.count?.ge ?? c.count?.eq ?? 1 } : undefined),
};
