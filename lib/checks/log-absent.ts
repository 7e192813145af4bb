/** kind "log-absent": no line of pantavisor.log matches the pattern. */
import type { Check } from '../scenarios.ts';
import { describePattern, findLines, shortLine, type LogPattern } from '../log-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export function logAbsent(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const pattern = check.line as LogPattern;
  const found = findLines(state.log.lines, pattern);
  const missing = state.missing.includes('pantavisor.log');
  return {
    pass: found.length === 0 && !missing,
    ...(found.length > 0 && !missing ? { final: true } : {}),
    expected: `no line ${describePattern(pattern)}`,
    actual: missing ? 'pantavisor.log missing' : found.length ? `${found.length}: ${found.slice(0, 2).map(shortLine).join(' | ')}` : `none in ${state.log.lines.length} log lines`,
  };
}
