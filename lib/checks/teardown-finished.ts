/**
 * kind "teardown-finished": a wait condition for the states that follow a teardown. On a real
 * build a teardown is not instant (observed §13): each running container gets a lenient stop
 * and is force-stopped ≈5 s later, so right after `Tearing down...` a container that had
 * started is still RUNNING. This holds once the teardown the log reports last (`line`) has
 * finished: every container lxc-ls lists is STOPPED, or the next pantavisor launch has begun
 * (pv-appengine relaunches it after a teardown). With no teardown in the log it holds at once.
 * make bench reaches it where this judged it reached (eventLine): at the last teardown written by
 * the time the toolkit saw it, its launch's last force stop or the next launch's first line: a
 * teardown that left a container running (a race, pool-exhaustion) ends with the next launch, and
 * when that launch is torn down too (pool-exhaustion again), with the end of its teardown.
 * With `revision`, the log of that revision (logs/<rev>/pantavisor/pantavisor.log; "0" = pantavisor.log).
 */
import { FILES, revisionLogFileName } from '../bundle/bundle.ts';
import { logGrep, lxcLs } from '../evidence/user-lines.ts';
import { describePattern, lineMatches, type LogPattern, shortLine, splitLaunches } from '../log-match.ts';
import type { PvLog, PvLogLine } from '../parse/pv-log.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { REVISION_SCHEMA } from './update-progress.ts';
import { current, type EvalContext, logName, logOf, type Outcome } from './types.ts';

export interface TeardownFinishedCheck extends CheckBase {
  kind: 'teardown-finished';
  line: LogPattern;
  revision?: string;
}

export function teardownFinished(check: TeardownFinishedCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const line = check.line;
  const expected = `the last ${describePattern(line)}${
    check.revision !== undefined && check.revision !== '0' ? ` in ${logName(check.revision)}` : ''
  } finished: every container STOPPED, or the next launch begun`;
  const log = logOf(state, check.revision);
  if (!log.log) return { pass: false, expected, actual: log.missing };
  const launches = splitLaunches(log.log.lines);
  let at = -1;
  launches.forEach((l, i) => {
    if (l.some((x) => lineMatches(x, line))) at = i;
  });
  if (at < 0) return { pass: true, expected, actual: `no teardown in ${logName(check.revision)}` };
  const teardown = launches[at].filter((x) => lineMatches(x, line)).pop()!;
  if (at < launches.length - 1) return { pass: true, expected, actual: `the next launch has begun after line ${teardown.lineNo} (${launches.length} launches)` };
  if (state.missing.includes('lxc-ls.txt')) return { pass: false, expected, actual: `teardown at line ${teardown.lineNo}; lxc-ls.txt missing` };
  const busy = state.lxc.filter((r) => r.state !== 'STOPPED');
  if (busy.length) {
    return { pass: false, expected, actual: `teardown at line ${teardown.lineNo} (${shortLine(teardown)}) under way: ${busy.map((r) => `${r.name} ${r.state}`).join(', ')}` };
  }
  return { pass: true, expected, actual: `teardown at line ${teardown.lineNo} finished: ${state.lxc.length ? `${state.lxc.map((r) => r.name).join(', ')} STOPPED` : 'lxc-ls -f lists no containers'}` };
}

/**
 * The line that marks the teardown reached (see the header): as `teardownFinished` judges, the
 * last teardown after `afterLine` among the lines written by `seenAt`; its last force stop, or the
 * next launch's first line when that was written by then. Without `seenAt`, the last teardown's
 * last force stop.
 */
export function teardownEventLine(c: TeardownFinishedCheck, log: PvLog, afterLine: number, seenAt?: number): PvLogLine | 'at-once' | undefined {
  // another revision's log: not the log make bench times
  if (c.revision !== undefined && c.revision !== '0') return undefined;
  // what was written by the time the toolkit saw it reached (in the second it was seen, or before)
  const written = seenAt === undefined ? log.lines : log.lines.filter((l) => l.time <= Math.floor(seenAt));
  const launches = splitLaunches(written);
  const isTeardown = (x: PvLogLine) => x.lineNo > afterLine && lineMatches(x, c.line);
  let at = -1;
  launches.forEach((l, i) => {
    if (l.some(isTeardown)) at = i;
  });
  if (at < 0) return 'at-once';
  const teardown = launches[at].filter(isTeardown).pop()!;
  const stops = [teardown, ...launches[at].filter((l) => l.lineNo > teardown.lineNo && /force stopping/.test(l.message))];
  if (seenAt === undefined) return stops[stops.length - 1];
  return launches[at + 1]?.length ? launches[at + 1][0] : stops[stops.length - 1];
}

export const KIND: CheckKind<TeardownFinishedCheck> = {
  kind: 'teardown-finished',
  schema: {
    description: 'the teardown the log reports last has finished: every container lxc-ls lists is STOPPED, or the next pantavisor launch has begun (no teardown in the log: holds at once)',
    properties: {
      line: { $ref: '#/definitions/logPattern' },
      revision: { ...REVISION_SCHEMA, description: 'read the log of this revision (logs/<revision>/pantavisor/pantavisor.log); absent or "0": pantavisor.log' },
    },
    required: ['line'],
  },
  files: (c) => [revisionLogFileName(c.revision), FILES.lxcLs],
  evaluate: teardownFinished,
  evidence: (c, p, exec) => [...lxcLs(c, p, exec), ...logGrep(c, p, exec)],
  eventLine: teardownEventLine,
  condition: (c, code) =>
    `after a ${code(describePattern(c.line))}${c.revision !== undefined && c.revision !== '0' ? ` in ${logName(c.revision)}` : ''}, the teardown has finished: every container STOPPED in ${
      code('lxc-ls -f')
    } (a real force stop comes ≈5 s after the lenient one), or the next pantavisor launch has begun`,
};
