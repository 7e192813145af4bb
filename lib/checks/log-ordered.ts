/**
 * kind "log-ordered": lines matching the patterns appear in this order within one pantavisor
 * launch (or, with acrossLaunches, anywhere in the file: for sequences that span a relaunch,
 * such as `suddenly stopped` → `Tearing down...` → the next launch's `allocated`); other lines
 * may come between them.
 */
import { FILES } from '../bundle.ts';
import { grepLog, grepOf } from '../evidence.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { describePattern, orderedSubsequence, orderedWithinLaunch, shortLine, type LogPattern } from '../log-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface LogOrderedCheck extends CheckBase { kind: 'log-ordered'; lines: LogPattern[]; acrossLaunches?: boolean }

export function logOrdered(check: LogOrderedCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const patterns = check.lines;
  const across = check.acrossLaunches === true;
  const r = across ? { ...orderedSubsequence(state.log.lines, patterns), launches: 1 } : orderedWithinLaunch(state.log.lines, patterns);
  const expected = `in order${across ? ' (across launches)' : ' within one launch'}: ` + patterns.map((p, i) => `(${i + 1}) ${describePattern(p)}`).join(' → ');
  if (state.missing.includes('pantavisor.log')) return { pass: false, expected, actual: 'pantavisor.log missing' };
  if (r.ok) return { pass: true, expected, actual: 'found at lines ' + r.matched.map((l) => l.lineNo).join(', ') };
  const i = r.missingIndex!;
  const after = r.matched.length ? ` after line ${r.matched[r.matched.length - 1].lineNo}` : '';
  const why = !r.missingOccursEarlier ? 'never occurs' : across ? 'occurs only out of order' : `occurs only out of order (checked in each of ${r.launches} launch(es))`;
  const got = r.matched.map((l, k) => `(${k + 1}) ${shortLine(l)}`).join(' | ');
  return { pass: false, expected, actual: `(${i + 1}) ${describePattern(patterns[i])} ${why}${after}${got ? `; matched so far: ${got}` : ''}` };
}

export const KIND: CheckKind<LogOrderedCheck> = {
  kind: 'log-ordered',
  schema: { properties: {
      lines: { type: 'array', minItems: 2, items: { $ref: '#/definitions/logPattern' } },
      acrossLaunches: { type: 'boolean', description: 'match the order anywhere in the file, not within one pantavisor launch (for sequences that span a relaunch)' },
    },
    required: ['lines'] },
  files: () => [FILES.log],
  evaluate: logOrdered,
  evidence: (c, p, exec) => [grepLog(grepOf(c.lines), p, exec)],
};
