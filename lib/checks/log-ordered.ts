/**
 * kind "log-ordered": lines matching the patterns appear in this order within one pantavisor
 * launch (or, with acrossLaunches, anywhere in the file: for sequences that span a relaunch,
 * such as `suddenly stopped` → `Tearing down...` → the next launch's `allocated`); other lines
 * may come between them. With `revision`, the log of that revision (logs/<rev>/pantavisor/pantavisor.log;
 * "0" = pantavisor.log).
 */
import { revisionLogFileName } from '../bundle/bundle.ts';
import { grepLog, grepOf } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { describePattern, type LogPattern, orderedSubsequence, orderedWithinLaunch, shortLine } from '../log-match.ts';
import { REVISION_SCHEMA } from './update-progress.ts';
import { current, type EvalContext, logName, logOf, type Outcome } from './types.ts';

export interface LogOrderedCheck extends CheckBase {
  kind: 'log-ordered';
  lines: LogPattern[];
  acrossLaunches?: boolean;
  revision?: string;
}

export function logOrdered(check: LogOrderedCheck, ctx: EvalContext): Outcome {
  const log = logOf(current(ctx), check.revision);
  const patterns = check.lines;
  const across = check.acrossLaunches === true;
  const where = check.revision !== undefined && check.revision !== '0' ? ` in ${logName(check.revision)}` : '';
  const expected = `in order${where}${across ? ' (across launches)' : ' within one launch'}: ` + patterns.map((p, i) => `(${i + 1}) ${describePattern(p)}`).join(' → ');
  if (!log.log) return { pass: false, expected, actual: log.missing };
  const lines = log.log.lines;
  const r = across ? { ...orderedSubsequence(lines, patterns), launches: 1 } : orderedWithinLaunch(lines, patterns);
  if (r.ok) return { pass: true, expected, actual: 'found at lines ' + r.matched.map((l) => l.lineNo).join(', ') };
  const i = r.missingIndex!;
  const after = r.matched.length ? ` after line ${r.matched[r.matched.length - 1].lineNo}` : '';
  const why = !r.missingOccursEarlier ? 'never occurs' : across ? 'occurs only out of order' : `occurs only out of order (checked in each of ${r.launches} launch(es))`;
  const got = r.matched.map((l, k) => `(${k + 1}) ${shortLine(l)}`).join(' | ');
  return { pass: false, expected, actual: `(${i + 1}) ${describePattern(patterns[i])} ${why}${after}${got ? `; matched so far: ${got}` : ''}` };
}

export const KIND: CheckKind<LogOrderedCheck> = {
  kind: 'log-ordered',
  schema: {
    properties: {
      lines: { type: 'array', minItems: 2, items: { $ref: '#/definitions/logPattern' } },
      acrossLaunches: { type: 'boolean', description: 'match the order anywhere in the file, not within one pantavisor launch (for sequences that span a relaunch)' },
      revision: { ...REVISION_SCHEMA, description: 'read the log of this revision (logs/<revision>/pantavisor/pantavisor.log); absent or "0": pantavisor.log' },
    },
    required: ['lines'],
  },
  files: (c) => [revisionLogFileName(c.revision)],
  evaluate: logOrdered,
  evidence: (c, p, exec) => [grepLog(grepOf(c.lines), p, exec, c.revision)],
};
