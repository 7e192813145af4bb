/**
 * make test-N / test-all on a target whose lifecycle is 'running' (a device over SSH, issue 25):
 * the device's baseline read once, then each scenario, one after another, installed as an
 * update (lib/run/device-run.ts); nothing is staged, booted or torn down. A scenario that ends
 * well leaves the device on its revision for the next one, which installs from there when its
 * device.json differs (the install reboots, as from the baseline) and returns the device to the
 * baseline first when it does not (an install that would not reboot); a failure returns the
 * device at once. Two reboots a test became one for most: the eight plan tests on make device-dev
 * take 4 returns instead of 8. At the run's end the device is returned and verified; a test
 * revision that became DONE is then the device's rollback point: said in a line and in
 * report.json, or, DEVICE_RESTORE=commit, replaced by the baseline's state committed as a new
 * revision (lib/run/device-restore.ts). JOBS=N is refused (one device runs one revision at a
 * time). The run lock is the device's (its lockKey, user@host:port). An interrupt stops the
 * scenario at its next poll; the device is still returned (its own deadline) before the run
 * exits 130/143.
 */
import type { Config } from '../tooling/config.ts';
import { jobsOf } from '../tooling/config.ts';
import { EnvironmentError, EXIT, Interrupted, UsageError } from '../tooling/errors.ts';
import type { PlanFile, Scenario } from '../plan/scenarios.ts';
import { type RunReport, type ScenarioReport, scenarioReport } from '../report/model.ts';
import { targetDriver } from '../target/registry.ts';
import { colors, say, terminalSafe } from './output.ts';
import { stamp } from './cli.ts';
import { finishRun, printHeader, printScenarioEnd, runReport } from './reporting.ts';
import { preflightArtifacts } from './stage.ts';
import { onInterrupt } from './interrupt.ts';
import { acquireRunLock } from './run-lock.ts';
import { readBaseline, returnToBaseline, rollbackPointLine, runOnDevice } from './device-run.ts';
import { commitBaseline } from './device-restore.ts';

export async function runDeviceTests(cfg: Config, plan: PlanFile, scenarios: Scenario[], label: string): Promise<number> {
  const driver = targetDriver(cfg);
  if (jobsOf(process.env.JOBS) > 1) throw new UsageError(`JOBS=${process.env.JOBS}: ${driver.description} runs one revision at a time; run its scenarios with JOBS=1`);
  await preflightArtifacts(cfg, plan, scenarios);
  await driver.requireReachable();
  const runDir = `${cfg.reportDir}/${stamp()}-${label}`;
  const release = acquireRunLock(cfg, `${stamp()}-${label}`);
  // what is under way (a scenario, the run's return) returns the device itself; an interrupt waits for it (30 s, then exits)
  let current: Promise<unknown> = Promise.resolve();
  const interrupt = onInterrupt(async () => {
    await current.catch(() => undefined);
  });
  const startedAt = new Date();
  let rollback: { baseline: string; rollbackPoint: string } | undefined;
  const reports: ScenarioReport[] = [];
  const codes: number[] = [];
  let device: RunReport['device'];
  try {
    const baseline = await readBaseline(cfg);
    const last = scenarios.length - 1;
    let left = false; // the device is on a scenario's revision, not returned yet
    for (const [i, scenario] of scenarios.entries()) {
      if (interrupt.signal.aborted) break;
      left = false;
      const started = Date.now();
      printHeader(scenario, cfg.targetLabel, 'live');
      // each scenario but the last leaves the device where it ended well: the next one installs
      // from there (or returns it first when that would not reboot: device-run.ts)
      const run = runOnDevice(cfg, plan, scenario, runDir, interrupt.signal, {
        baseline,
        stay: i < last,
        onStay: () => (left = true),
        onRollbackPoint: (rev, base) => (rollback = { baseline: base, rollbackPoint: rev }),
      });
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
    // the run's end: the device back on its baseline, when a scenario left it (the last one, or
    // one that failed, returned it itself: a device it could not return is its error already)
    let isBack = !codes.includes(EXIT.environment);
    if (left) {
      const back = returnToBaseline(cfg, baseline);
      current = back;
      try {
        say(colors.dim(terminalSafe(`device: ${await back}`)));
        isBack = true;
      } catch (e) {
        if (!(e instanceof EnvironmentError)) throw e;
        say(colors.red(`error: ${terminalSafe(e.message)}`));
        codes.push(e.exitCode);
        isBack = false;
      }
    }
    if (rollback) {
      device = { ...rollback, runs: rollback.baseline };
      if (cfg.deviceRestore === 'commit' && isBack && !interrupt.signal.aborted) {
        try {
          const done = commitBaseline(cfg, baseline);
          current = done;
          const { revision, line } = await done;
          say(colors.dim(terminalSafe(`device: ${line}`)));
          device = { baseline: rollback.baseline, rollbackPoint: revision, runs: revision };
        } catch (e) {
          if (!(e instanceof EnvironmentError)) throw e;
          say(colors.red(`error: ${terminalSafe(e.message)}`));
          codes.push(e.exitCode);
        }
      }
      if (device.rollbackPoint !== device.runs) say(colors.yellow(terminalSafe(`device: ${rollbackPointLine(device.rollbackPoint, device.baseline)}`)));
    }
  } finally {
    release();
  }
  if (interrupt.signal.aborted) return interrupt.code() || 130;
  return finishRun(runDir, { ...runReport(cfg, 'live', startedAt, reports, codes), ...(device ? { device } : {}) });
}
