/**
 * Capabilities a scenario may require of the target (scenarios.json `capabilities`): probed by
 * a command in the container (`command -v iptables`) or by a line in pantavisor.log (the
 * isolation branch's `pool isolation (nftables): ...`). A missing one makes the scenario
 * SKIPPED with the evidence quoted, or, when REQUIRE names it, FAILED.
 */
import type { StepState } from './bundle.ts';
import type { CheckResult } from './evaluate.ts';
import { describePattern, findLines, shortLine } from './log-match.ts';
import type { CapabilityProbe } from './report.ts';
import type { Capability, KnownIssue, PlanFile, Scenario } from './scenarios.ts';
import { scenarioStatus, skipReason, unreadableEvidence, withStatus, type ScenarioStatus } from './verdict.ts';

export function isCommandProbe(c: Capability): c is Capability & { probe: { command: string } } {
  return 'command' in c.probe;
}

/** The scenario's required capabilities that a command probes (run before the boot). */
export function commandCapabilities(plan: PlanFile, scenario: Scenario): [string, string][] {
  return (scenario.requires ?? []).flatMap((id) => {
    const c = plan.capabilities?.[id];
    return c && isCommandProbe(c) ? [[id, c.probe.command] as [string, string]] : [];
  });
}

/** The scenario's required capabilities that a log line probes (judged on the boot step's log). */
export function logCapabilities(plan: PlanFile, scenario: Scenario): string[] {
  return (scenario.requires ?? []).filter((id) => {
    const c = plan.capabilities?.[id];
    return c && !isCommandProbe(c);
  });
}

/** A command probe's result from its exit status. */
export function commandProbe(command: string, exitCode: number): CapabilityProbe {
  return { present: exitCode === 0, probe: command, seen: `exit ${exitCode}` };
}

/** A log-line probe judged on a step's state. */
export function logProbe(c: Capability, state: StepState): CapabilityProbe {
  if (!('logLine' in c.probe)) throw new Error('not a log-line capability');
  const line = c.probe.logLine;
  const probe = `pantavisor.log has ${describePattern(line)}`;
  if (state.missing.includes('pantavisor.log')) return { present: false, probe, seen: 'pantavisor.log missing' };
  const found = findLines(state.log.lines, line);
  return { present: found.length > 0, probe, seen: found.length ? shortLine(found[0]) : 'no such line' };
}

export interface Judgement {
  status: ScenarioStatus;
  checks: CheckResult[];
  skip?: { capability: string; reason: string; evidence: CheckResult[] };
  /** status error: which checks could not read their evidence, quoted */
  error?: string;
}

/**
 * The scenario's verdict: a required capability that was found absent skips it (or fails it
 * under REQUIRE), quoting its skipEvidence checks; otherwise its checks with known issues applied.
 */
export function judge(plan: PlanFile, scenario: Scenario, results: CheckResult[], probes: Record<string, CapabilityProbe>, require: Set<string>): Judgement {
  const issueOf = (id: string): KnownIssue | undefined => scenario.steps.flatMap((s) => s.checks).find((c) => c.id === id)?.knownIssue;
  for (const id of scenario.requires ?? []) {
    const p = probes[id];
    if (p?.present) continue;
    const cap = plan.capabilities![id];
    const evidence = results.filter((r) => (scenario.skipEvidence ?? []).includes(r.id));
    // a command probe's exit status says something; a missing log line is what `absent` says already
    const absent = !p ? 'it was not probed (the bundle has no record of it)'
      : isCommandProbe(cap) ? `${cap.absent ?? 'the target lacks it'} (${p.probe}: ${p.seen})`
      : cap.absent ?? `${p.probe}: ${p.seen}`;
    const reason = skipReason(id, absent, evidence);
    if (require.has(id)) {
      const failed: CheckResult = {
        id: `requires-${id}`, scenario: scenario.id, step: scenario.steps[0].id, kind: 'capability', pass: false, status: 'fail',
        row: `REQUIRE=${id}: ${cap.describe}`, expected: `${id} present`, actual: reason,
      };
      return { status: 'failed', checks: [failed, ...evidence] };
    }
    return { status: 'skipped', checks: [], skip: { capability: id, reason, evidence } };
  }
  const checks = withStatus(results, scenario, issueOf);
  const error = unreadableEvidence(checks);
  return { status: scenarioStatus(checks, scenario), checks, ...(error ? { error } : {}) };
}
