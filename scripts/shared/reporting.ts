/** Prints results as they come and writes report.json + junit.xml for a run. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../../lib/config.ts';
import type { CheckResult } from '../../lib/evaluate.ts';
import { checkLine, exitCodeOf, skipLine, summarize, summaryLine, toJunit, type RunReport, type ScenarioReport } from '../../lib/report.ts';
import type { Scenario } from '../../lib/scenarios.ts';
import { colors, ROOT, say } from './common.ts';

export function version(): string {
  try {
    return JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export function printHeader(scenario: Scenario, targetLabel: string, mode: string): void {
  say();
  say(colors.bold(`Test ${scenario.id}: ${scenario.title}`) + colors.dim(`  [${mode}; target: ${targetLabel}]`));
}

export function printChecks(results: CheckResult[], strict = false): void {
  for (const r of results) say(checkLine(r, colors, strict));
}

const VERDICT: Record<ScenarioReport['status'], (s: string) => string> = {
  passed: colors.green, failed: colors.red, error: colors.red, xfail: colors.yellow, xpass: colors.yellow, skipped: colors.yellow,
};

export function printScenarioEnd(s: ScenarioReport): void {
  if (s.status === 'skipped') say(skipLine(s, colors));
  if (s.knownIssue && (s.status === 'xfail' || s.status === 'xpass')) {
    say(colors.yellow(s.status === 'xfail'
      ? `known issue: ${s.knownIssue.summary} (seen in ${s.knownIssue.seenIn})`
      : `known issue looks fixed: ${s.knownIssue.summary} (seen in ${s.knownIssue.seenIn}); drop its knownIssue from scenarios.json once confirmed`));
  }
  const passed = s.checks.filter((c) => c.pass).length;
  const detail = s.status === 'error' ? s.error : s.status === 'skipped' ? s.skip?.capability ? `requires ${s.skip.capability}` : 'skipped' : `${passed}/${s.checks.length} checks passed`;
  say(`Test ${s.id}: ${VERDICT[s.status](s.status.toUpperCase())} (${detail}) in ${(s.durationMs / 1000).toFixed(1)} s${s.bundle ? colors.dim(`; bundle: ${s.bundle}`) : ''}`);
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
    summary: summarize(scenarios),
    scenarios,
  };
}

/** Writes report.json and junit.xml into dir and prints the closing lines. */
export function finishRun(dir: string, report: RunReport): number {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/report.json`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${dir}/junit.xml`, toJunit(report));
  say();
  say(summaryLine(report));
  say(colors.dim(`reports: ${dir}/report.json, ${dir}/junit.xml`));
  return report.exitCode;
}
