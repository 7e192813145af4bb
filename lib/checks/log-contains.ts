/** kind "log-contains": pantavisor.log has lines matching the pattern (at least one, or `count`). */
import type { Check } from '../scenarios.ts';
import { countSatisfied, describeCount, describePattern, findLines, shortLine, type Count, type LogPattern } from '../log-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export function logContains(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const pattern = check.line as LogPattern;
  const count = (check.count as Count | undefined) ?? { ge: 1 };
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
