/**
 * Capabilities a scenario may require of the target (scenarios.json `capabilities`): probed by
 * a command in the container (`command -v iptables`) or by a line in pantavisor.log (the
 * isolation branch's `pool isolation (nftables): ...`). A missing one makes the scenario
 * SKIPPED with the evidence quoted, or, when REQUIRE names it, FAILED.
 */
import { describePattern, findLines, type LogPattern, shortLine } from './log-match.ts';
import type { PvLog } from './parse/pv-log.ts';

/** A capability of scenarios.json's `capabilities`: what it is and how it is probed. */
export interface Capability {
  describe: string;
  /** what the report says when it is absent */
  absent?: string;
  probe: { command: string } | { logLine: LogPattern };
}

/** What of scenarios.json the capability functions read (a PlanFile and a Scenario are these). */
type Capabilities = { capabilities?: Record<string, Capability> };
type Requiring = { requires?: string[] };

/** What a capability probe found (report.json, meta.json). */
export interface CapabilityProbe {
  present: boolean;
  /** the probe: a command, or a log line description */
  probe: string;
  /** what it saw: the exit status, or the log line that matched */
  seen: string;
}

export function isCommandProbe(c: Capability): c is Capability & { probe: { command: string } } {
  return 'command' in c.probe;
}

/** The scenario's required capabilities that a command probes (run before the boot). */
export function commandCapabilities(plan: Capabilities, scenario: Requiring): [string, string][] {
  return (scenario.requires ?? []).flatMap((id) => {
    const c = plan.capabilities?.[id];
    return c && isCommandProbe(c) ? [[id, c.probe.command] as [string, string]] : [];
  });
}

/** The scenario's required capabilities that a log line probes (judged on the boot step's log). */
export function logCapabilities(plan: Capabilities, scenario: Requiring): string[] {
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
export function logProbe(c: Capability, state: { missing: string[]; log: PvLog }): CapabilityProbe {
  if (!('logLine' in c.probe)) throw new Error('not a log-line capability');
  const line = c.probe.logLine;
  const probe = `pantavisor.log has ${describePattern(line)}`;
  if (state.missing.includes('pantavisor.log')) return { present: false, probe, seen: 'pantavisor.log missing' };
  const found = findLines(state.log.lines, line);
  return { present: found.length > 0, probe, seen: found.length ? shortLine(found[0]) : 'no such line' };
}

/** REQUIRE=a,b c: the capabilities whose absence fails instead of skipping. */
export function requiredCapabilities(text: string | undefined): Set<string> {
  return new Set((text ?? '').split(/[\s,]+/).filter(Boolean));
}
