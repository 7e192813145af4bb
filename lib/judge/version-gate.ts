/**
 * Known issues and expectations per Pantavisor version (lib/judge/pv-version.ts): a known issue may say
 * `since` / `fixedIn` (a commit or a tag), a scenario may be expected only `since` a commit. An
 * unknown version, or a ref it cannot resolve, leaves everything as written, and the notes say so.
 * Pure.
 */
import { contains, type PvVersion, shortOf } from './pv-version.ts';
import type { KnownIssue, Scenario } from '../plan/scenarios.ts';

export interface Applicability {
  applies: boolean;
  /** why, when the version decided it or could not: for the report */
  note?: string;
}

/** Whether a known issue concerns this version: since (contained or unknown) and not fixedIn (contained). */
export function issueApplies(issue: KnownIssue, v: PvVersion | undefined): Applicability {
  const notes: string[] = [];
  if (issue.since) {
    const c = contains(v, issue.since);
    if (c === 'not contained') return { applies: false, note: `known issue not in this version: it appeared in ${issue.since}, which ${shortOf(v)} does not contain` };
    if (c === 'unknown') notes.push(`since ${issue.since}: ${v ? 'not resolvable against this version' : 'version unknown'}, applied as written`);
  }
  if (issue.fixedIn) {
    const c = contains(v, issue.fixedIn);
    if (c === 'contained') return { applies: false, note: `known issue fixed in ${issue.fixedIn}, which ${shortOf(v)} contains` };
    if (c === 'unknown') notes.push(`fixedIn ${issue.fixedIn}: ${v ? 'not resolvable against this version' : 'version unknown'}, applied as written`);
  }
  return { applies: true, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

/**
 * The scenario as it concerns this version: known issues that do not apply are dropped (their
 * checks judged plainly: a failure is a FAIL again); a scenario expected only `since` a commit
 * this version does not contain gets a known issue of its own over all its checks (a failure is
 * the known pre-fix behaviour, XFAIL; a pass would be XPASS: the behaviour predates the commit
 * the plan names, worth a look). Notes say what the version decided.
 */
export function scenarioForVersion(scenario: Scenario, v: PvVersion | undefined): { scenario: Scenario; notes: string[] } {
  const notes: string[] = [];
  const keep = (issue: KnownIssue | undefined, where: string): KnownIssue | undefined => {
    if (!issue) return undefined;
    const a = issueApplies(issue, v);
    if (a.note) notes.push(`${where}: ${a.note}`);
    return a.applies ? issue : undefined;
  };
  const steps = scenario.steps.map((s) => ({
    ...s,
    checks: s.checks.map((c) => {
      if (!c.knownIssue) return c;
      const k = keep(c.knownIssue, `check ${c.id}`);
      if (k) return c;
      const { knownIssue: _dropped, ...rest } = c;
      return rest as typeof c;
    }),
  }));
  let knownIssue = keep(scenario.knownIssue, `Test ${scenario.id}`);
  if (scenario.since) {
    const c = contains(v, scenario.since.ref);
    if (c === 'not contained' && !knownIssue) {
      knownIssue = {
        summary: `not in this version: expected only since ${scenario.since.ref} (${scenario.since.why}); ${shortOf(v)} predates it, so a failure is the known behaviour before it`,
        seenIn: `the history of pantavisor (${scenario.since.ref})`,
        checks: scenario.since.checks ?? steps.flatMap((s) => s.checks.map((x) => x.id)),
        beforeSince: scenario.since.ref,
      };
      notes.push(
        `Test ${scenario.id}: expected only since ${scenario.since.ref}, which ${shortOf(v)} does not contain: the failures of ${
          scenario.since.checks ? scenario.since.checks.join(', ') : 'its checks'
        } are XFAIL`,
      );
    } else if (c === 'unknown') {
      notes.push(`Test ${scenario.id}: expected since ${scenario.since.ref}: ${v ? 'not resolvable against this version' : 'version unknown'}, judged as written`);
    }
  }
  const { knownIssue: _old, ...rest } = scenario;
  return { scenario: { ...rest, steps, ...(knownIssue ? { knownIssue } : {}) }, notes };
}
