/** kind "log-contains": pantavisor.log has lines matching the pattern (at least one, or `count`). */
import { FILES } from '../bundle.ts';
import { logGrep } from '../evidence.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { countSatisfied, describeCount, describePattern, findLines, shortLine, type Count, type LogPattern } from '../log-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface LogContainsCheck extends CheckBase { kind: 'log-contains'; line: LogPattern; count?: Count }

export function logContains(check: LogContainsCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const pattern = check.line;
  const count = check.count ?? { ge: 1 };
  const found = findLines(state.log.lines, pattern);
  const missing = state.missing.includes('pantavisor.log');
  const shown = found.slice(0, 3).map(shortLine).join(' | ') + (found.length > 3 ? ` | … (${found.length - 3} more)` : '');
  return {
    pass: countSatisfied(found.length, count) && !missing,
    // more lines than `eq`/`le` allow: more can come, none can go
    ...(!missing && found.length > Math.min(count.eq ?? Infinity, count.le ?? Infinity) ? { final: true } : {}),
    expected: `${describeCount(count)} line(s) ${describePattern(pattern)}`,
    actual: missing
      ? 'pantavisor.log missing'
      : found.length ? `${found.length}: ${shown}` : `none in ${state.log.lines.length} log lines`,
  };
}

export const KIND: CheckKind<LogContainsCheck> = {
  kind: 'log-contains',
  schema: { properties: { line: { $ref: '#/definitions/logPattern' }, count: { $ref: '#/definitions/count' } }, required: ['line'] },
  files: () => [FILES.log],
  evaluate: logContains,
  evidence: logGrep,
  condition: (c, code) => `pantavisor.log has ${c.count ? `${describeCount(c.count)} ` : ''}${code(describePattern(c.line))}`,
  expectsNoOutput: (c) => c.count?.eq === 0,
  logEvent: (c) => ({ pattern: c.line, nth: c.count?.ge ?? c.count?.eq ?? 1 }),
};
