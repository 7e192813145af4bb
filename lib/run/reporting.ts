/**
 * Prints results as they come (lib/report/console.ts) and writes report.json + junit.xml for a
 * run (lib/report/json.ts, lib/report/junit.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { CheckResult } from '../evaluate.ts';
import { checkLine, headerLine, runEndLines, scenarioEndLines } from '../report/console.ts';
import { toJson } from '../report/json.ts';
import { toJunit } from '../report/junit.ts';
import { exitCodeOf, type RunReport, type ScenarioReport, summarize } from '../report/model.ts';
import type { Scenario } from '../scenarios.ts';
import { EMBEDDED, ROOT } from './inputs.ts';
import { colors, say } from './output.ts';

export function version(): string {
  if (EMBEDDED) return EMBEDDED.version;
  try {
    return JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export function printHeader(scenario: Scenario, targetLabel: string, mode: string): void {
  say();
  say(headerLine(scenario, targetLabel, mode, colors));
}

export function printChecks(results: CheckResult[], strict = false): void {
  for (const r of results) say(checkLine(r, colors, strict));
}

export function printScenarioEnd(s: ScenarioReport): void {
  for (const line of scenarioEndLines(s, colors)) say(line);
}

/** The distinct Pantavisor versions the scenarios name, in one line (undefined when none names one). */
export function pantavisorOf(scenarios: ScenarioReport[]): string | undefined {
  const seen = [...new Set(scenarios.map((s) => s.pantavisor).filter((p): p is string => !!p))];
  return seen.length ? seen.join('; ') : undefined;
}

export function runReport(cfg: Config, mode: RunReport['mode'], startedAt: Date, scenarios: ScenarioReport[], errorCodes: number[], snapshot?: string): RunReport {
  return {
    tool: 'pv-ipam-tests',
    version: version(),
    mode,
    target: { name: cfg.target, label: cfg.targetLabel },
    snapshot,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    exitCode: exitCodeOf(scenarios, errorCodes, cfg.strict),
    strict: cfg.strict,
    require: [...cfg.require],
    ...(pantavisorOf(scenarios) ? { pantavisor: pantavisorOf(scenarios) } : {}),
    summary: summarize(scenarios),
    scenarios,
  };
}

/** Writes report.json and junit.xml into dir and prints the closing lines. */
export function finishRun(dir: string, report: RunReport): number {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/report.json`, toJson(report));
  writeFileSync(`${dir}/junit.xml`, toJunit(report));
  for (const line of runEndLines(report, [`${dir}/report.json`, `${dir}/junit.xml`], colors)) say(line);
  return report.exitCode;
}
