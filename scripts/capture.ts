/**
 * capture-N: write Test N's bundle (lxc-ls.txt, device.json, pantavisor.log, ip-addr.txt,
 * nft-ruleset.txt, ping-FROM-TO.txt, one directory per step for multi-step tests) without
 * judging it. Uses the running container if there is one (e.g. after KEEP=1 make test-N);
 * otherwise stages and boots one for the capture and tears it down after (unless KEEP=1).
 * Re-check it with: make verify-N SNAPSHOT=DIR
 */
import { existsSync, readdirSync } from 'node:fs';
import { EXIT, Interrupted, UsageError } from '../lib/errors.ts';
import { findScenario } from '../lib/scenarios.ts';
import { colors, config, isMain, loadPlan, main, notCreatable, say, stamp, terminalSafe, testArg } from './shared/common.ts';
import { containerPresence, requireDocker } from './shared/docker.ts';
import { writeBundle, writeLiveBundle } from './shared/bundle-files.ts';
import { down } from './down.ts';
import { runSteps } from './shared/run-steps.ts';
import { bootScenario, probeCommands } from './shared/boot.ts';
import { acquireRunLock } from './shared/run-lock.ts';
import type { CapabilityProbe } from '../lib/capabilities.ts';
import { onInterrupt } from './shared/interrupt.ts';
import { bundleMeta } from './verify.ts';

if (isMain(import.meta.url, 'capture')) {
  await main(async () => {
    const cfg = config();
    const plan = loadPlan();
    const scenario = findScenario(plan, testArg(process.argv.slice(2)));
    const dir = process.env.CAPTURE_DIR || `${cfg.reportDir}/${stamp()}-capture-${scenario.id}`;
    // a bundle is written into a directory of its own: never over files that are there
    const unusable = notCreatable('CAPTURE_DIR', dir, 'dir') ?? (existsSync(dir) && readdirSync(dir).length ? `CAPTURE_DIR=${dir} is not empty; give a new or empty directory` : undefined);
    if (unusable) throw new UsageError(unusable);
    await requireDocker();
    const c = await containerPresence(cfg);
    const ownBoot = !(c.exists && c.running);
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
        say(colors.dim(`using the running container ${cfg.container}`));
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
  });
}
