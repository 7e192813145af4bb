/** kind "log-absent": no line of pantavisor.log matches the pattern. */
import { FILES } from '../bundle.ts';
import { logGrep } from '../evidence.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { describePattern, findLines, shortLine, type LogPattern } from '../log-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface LogAbsentCheck extends CheckBase { kind: 'log-absent'; line: LogPattern }

export function logAbsent(check: LogAbsentCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const pattern = check.line;
  const found = findLines(state.log.lines, pattern);
  const missing = state.missing.includes('pantavisor.log');
  return {
    pass: found.length === 0 && !missing,
    ...(found.length > 0 && !missing ? { final: true } : {}),
    expected: `no line ${describePattern(pattern)}`,
    actual: missing ? 'pantavisor.log missing' : found.length ? `${found.length}: ${found.slice(0, 2).map(shortLine).join(' | ')}` : `none in ${state.log.lines.length} log lines`,
  };
}

export const KIND: CheckKind<LogAbsentCheck> = {
  kind: 'log-absent',
  schema: { properties: { line: { $ref: '#/definitions/logPattern' } }, required: ['line'] },
  files: () => [FILES.log],
  evaluate: logAbsent,
  evidence: logGrep,
  condition: (c, code) => `pantavisor.log has no ${code(describePattern(c.line))}`,
  expectsNoOutput: () => true,
};
