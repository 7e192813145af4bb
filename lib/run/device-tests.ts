/**
 * make test-N / test-all on a target whose lifecycle is 'running' (a device over SSH, issue 25):
 * each scenario, one after another, installed as an update and the device returned to its
 * baseline (lib/run/device-run.ts); nothing is staged, booted or torn down. JOBS=N is refused (one
 * device runs one revision at a time). The run lock is the device's (its lockKey, user@host:port).
 * An interrupt stops the scenario at its next poll; the device is still returned (its own
 * deadline) before the run exits 130/143.
 */
import type { Config } from '../tooling/config.ts';
import { jobsOf } from '../tooling/config.ts';
import { EnvironmentError, EXIT, Interrupted, UsageError } from '../tooling/errors.ts';
import type { PlanFile, Scenario } from '../plan/scenarios.ts';
import { type ScenarioReport, scenarioReport } from '../report/model.ts';
import { targetDriver } from '../target/registry.ts';
import { colors, say, terminalSafe } from './output.ts';
import { stamp } from './cli.ts';
import { finishRun, printHeader, printScenarioEnd, runReport } from './reporting.ts';
import { preflightArtifacts } from './stage.ts';
import { onInterrupt } from './interrupt.ts';
import { acquireRunLock } from './run-lock.ts';
import { runOnDevice } from './device-run.ts';

export async function runDeviceTests(cfg: Config, plan: PlanFile, scenarios: Scenario[], label: string): Promise<number> {
  const driver = targetDriver(cfg);
  if (jobsOf(process.env.JOBS) > 1) throw new UsageError(`JOBS=${process.env.JOBS}: ${driver.description} runs one revision at a time; run its scenarios with JOBS=1`);
  await preflightArtifacts(cfg, plan, scenarios);
  await driver.requireReachable();
  const runDir = `${cfg.reportDir}/${stamp()}-${label}`;
  const release = acquireRunLock(cfg, `${stamp()}-${label}`);
  // the scenario under way returns the device itself; an interrupt waits for it (30 s, then exits)
  let current: Promise<unknown> = Promise.resolve();
  const interrupt = onInterrupt(async () => {
    await current.catch(() => undefined);
  });
  const startedAt = new Date();
  const reports: ScenarioReport[] = [];
  const codes: number[] = [];
  try {
    for (const scenario of scenarios) {
      if (interrupt.signal.aborted) break;
      const started = Date.now();
      printHeader(scenario, cfg.targetLabel, 'live');
      const run = runOnDevice(cfg, plan, scenario, runDir, interrupt.signal);
      current = run;
      let report: ScenarioReport;
      try {
        report = await run;
        if (report.status === 'error') codes.push(EXIT.environment);
      } catch (e) {
        if (e instanceof Interrupted || interrupt.signal.aborted) break;
        if (!(e instanceof EnvironmentError || e instanceof UsageError)) throw e;
        say(colors.red(`error: ${terminalSafe(e.message)}`));
        report = scenarioReport(scenario, undefined, { error: e.message, durationMs: Date.now() - started, timings: {}, waits: [], checks: [] });
        codes.push(e.exitCode);
      }
      printScenarioEnd(report);
      reports.push(report);
    }
  } finally {
    release();
  }
  if (interrupt.signal.aborted) return interrupt.code() || 130;
  return finishRun(runDir, runReport(cfg, 'live', startedAt, reports, codes));
}
