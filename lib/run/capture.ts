/**
 * capture-N: write Test N's bundle (lxc-ls.txt, device.json, pantavisor.log, ip-addr.txt,
 * nft-ruleset.txt, ping-FROM-TO.txt, one directory per step for multi-step tests) without
 * judging it. Uses the running container if there is one (e.g. after KEEP=1 make test-N);
 * otherwise stages and boots one for the capture and tears it down after (unless KEEP=1).
 * Re-check it with: make verify-N SNAPSHOT=DIR
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Config } from '../tooling/config.ts';
import { EXIT, Interrupted, UsageError } from '../tooling/errors.ts';
import type { PlanFile, Scenario } from '../plan/scenarios.ts';
import { targetDriver } from '../target/registry.ts';
import { notCreatable } from './inputs.ts';
import { colors, say, terminalSafe } from './output.ts';
import { stamp } from './cli.ts';
import { writeBundle, writeLiveBundle } from './bundle-files.ts';
import { down } from './down.ts';
import { runSteps } from './run-steps.ts';
import { bootScenario, probeCommands } from './boot.ts';
import { acquireRunLock } from './run-lock.ts';
import type { CapabilityProbe } from '../plan/capabilities.ts';
import { onInterrupt } from './interrupt.ts';
import { bundleMeta } from './verify.ts';
import { onDeviceRevision, rollbackPointLine } from './device-run.ts';
import { scenarioReport } from '../report/model.ts';

/**
 * make capture-N on a running device: the scenario installed as an update (lib/run/device-run.ts),
 * its steps run and their bundle written unjudged (meta.json names the revision, so make verify-N
 * SNAPSHOT=DIR judges it as the live run would), then the device returned to its baseline.
 */
async function captureOnDevice(cfg: Config, plan: PlanFile, scenario: Scenario, dir: string): Promise<number> {
  await targetDriver(cfg).requireReachable();
  say(colors.bold(`capture Test ${scenario.id} → ${dir}`) + colors.dim(`  [target: ${cfg.targetLabel}]`));
  const release = acquireRunLock(cfg, `${stamp()}-capture-${scenario.id}`);
  let current: Promise<unknown> = Promise.resolve();
  const interrupt = onInterrupt(async () => {
    await current.catch(() => undefined);
  });
  let failed: string | undefined;
  let rollback: string | undefined;
  try {
    const run = onDeviceRevision(
      cfg,
      plan,
      scenario,
      async (dcfg, judged, booted) => {
        const meta = { ...bundleMeta(dcfg, judged, booted.probes), ...(booted.version ? { pantavisorVersion: booted.version } : {}), ...(booted.device ? { device: booted.device } : {}) };
        if (!booted.started) {
          writeBundle(dir, judged, {}, meta);
        } else {
          const r = await runSteps(dcfg, plan, judged, { evaluate: false, signal: interrupt.signal, probes: booted.probes });
          await writeLiveBundle(dir, judged, r.files, { ...meta, ...(r.probes ? { capabilities: r.probes } : {}) }, r.logBytes, r.saveLog);
          failed = r.error;
        }
        return scenarioReport(judged, undefined, { durationMs: 0, timings: {}, waits: [], checks: [] });
      },
      interrupt.signal,
      { onRollbackPoint: (rev, baseline) => (rollback = rollbackPointLine(rev, baseline)) },
    );
    current = run;
    const report = await run;
    if (report.status === 'skipped') {
      say(colors.yellow(terminalSafe(`Test ${scenario.id} is not run on a device: ${report.skip?.reason ?? ''}; nothing captured`)));
      return 0;
    }
  } catch (e) {
    if (e instanceof Interrupted) return interrupt.code();
    throw e;
  } finally {
    release();
    if (rollback) say(colors.yellow(terminalSafe(`device: ${rollback}`)));
  }
  if (failed) {
    say(colors.red(`error: ${terminalSafe(failed)}`));
    say(`bundle written (up to the failed step): ${dir}`);
    return EXIT.environment;
  }
  say(`bundle written: ${dir}`);
  say(`re-check it offline: make verify-${scenario.id} SNAPSHOT=${dir}`);
  return 0;
}

/**
 * make capture-N: the scenario's bundle written into `dir` (default REPORT_DIR/<time>-capture-<id>)
 * without judging it, from the running target or one booted for it; returns the exit status.
 */
export async function captureCommand(cfg: Config, plan: PlanFile, scenario: Scenario, dir = `${cfg.reportDir}/${stamp()}-capture-${scenario.id}`): Promise<number> {
  // a bundle is written into a directory of its own: never over files that are there
  const unusable = notCreatable('CAPTURE_DIR', dir, 'dir') ?? (existsSync(dir) && readdirSync(dir).length ? `CAPTURE_DIR=${dir} is not empty; give a new or empty directory` : undefined);
  if (unusable) throw new UsageError(unusable);
  const driver = targetDriver(cfg);
  if (driver.lifecycle === 'running') return captureOnDevice(cfg, plan, scenario, dir);
  // a target the toolkit boots is used if it runs (KEEP=1 make test-N), else booted for the capture; a running device is used as it is
  if (driver.boot) await driver.boot.requireHost();
  else await driver.requireReachable();
  const ownBoot = driver.boot ? !(await driver.boot.running()) : false;
  say(colors.bold(`capture Test ${scenario.id} → ${dir}`) + colors.dim(`  [target: ${cfg.targetLabel}]`));
  const release = ownBoot ? acquireRunLock(cfg, `${stamp()}-capture-${scenario.id}`) : () => {};
  let tearingDown: Promise<void> | undefined;
  const teardown = () => (tearingDown ??= ownBoot && !cfg.keep ? down(cfg) : Promise.resolve());
  const interrupt = onInterrupt(teardown);
  try {
    let probes: Record<string, CapabilityProbe>;
    if (ownBoot) {
      const booted = await bootScenario(cfg, plan, scenario, `${stamp()}-capture-${scenario.id}`);
      probes = booted.probes;
      if (!booted.started) {
        writeBundle(dir, scenario, {}, bundleMeta(cfg, scenario, probes));
        say(`bundle written: ${dir} (the target lacks a capability Test ${scenario.id} requires; nothing was booted)`);
        return 0;
      }
    } else {
      say(colors.dim(`using the running ${driver.description}`));
      probes = await probeCommands(cfg, plan, scenario);
    }
    const run = await runSteps(cfg, plan, scenario, { evaluate: false, signal: interrupt.signal, probes });
    await writeLiveBundle(dir, scenario, run.files, bundleMeta(cfg, scenario, run.probes), run.logBytes, run.saveLog);
    if (run.error) {
      say(colors.red(`error: ${terminalSafe(run.error)}`));
      say(`bundle written (up to the failed step): ${dir}`);
      return EXIT.environment;
    }
  } catch (e) {
    if (e instanceof Interrupted) return interrupt.code();
    throw e;
  } finally {
    await teardown();
    release();
  }
  say(`bundle written: ${dir}`);
  say(`re-check it offline: make verify-${scenario.id} SNAPSHOT=${dir}`);
  return 0;
}
