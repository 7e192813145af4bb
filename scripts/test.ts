/**
 * test-N / test-all: stage, up, verify (live), down — for one test or every test in order.
 * Teardown always runs (finally, and on SIGINT/SIGTERM); KEEP=1 leaves the last container up.
 * Exit: 0 all passed, 1 a check failed, 2 bad usage/scenarios file, 3 environment missing.
 */
import { EnvironmentError, Interrupted, UsageError } from '../lib/errors.ts';
import { findScenario, selectScenarios, type Scenario } from '../lib/scenarios.ts';
import type { ScenarioReport } from '../lib/report.ts';
import { colors, config, isMain, loadPlan, main, say, stamp, testArg } from './common.ts';
import { requireDocker, requireImage } from './docker.ts';
import { down } from './down.ts';
import { finishRun, printHeader, printScenarioEnd, runReport } from './reporting.ts';
import { bootScenario } from './boot.ts';
import { onInterrupt } from './interrupt.ts';
import { verifyLive } from './verify.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    const plan = loadPlan();
    const which = testArg(process.argv.slice(2), true);
    const scenarios: Scenario[] = which === 'all' ? selectScenarios(plan, process.env.ONLY) : [findScenario(plan, which)];
    await requireDocker();
    await requireImage(cfg);

    let tearingDown: Promise<void> | undefined;
    const teardown = () => (tearingDown ??= down(cfg).catch((e) => say(colors.red(`teardown failed: ${(e as Error).message}`))));
    const interrupt = onInterrupt(teardown);

    const startedAt = new Date();
    const runDir = `${cfg.reportDir}/${stamp()}-test-${which}`;
    const reports: ScenarioReport[] = [];
    const errorCodes: number[] = [];
    for (const [i, scenario] of scenarios.entries()) {
      const started = Date.now();
      printHeader(scenario, cfg.targetLabel, 'live');
      const last = i === scenarios.length - 1;
      tearingDown = undefined;
      try {
        const booted = await bootScenario(cfg, plan, scenario, `${stamp()}-test-${scenario.id}`);
        const r = await verifyLive(cfg, plan, scenario, runDir, interrupt.signal, booted);
        reports.push(r);
      } catch (e) {
        if (e instanceof Interrupted || interrupt.signal.aborted) {
          await teardown();
          return interrupt.code() || 130;
        }
        if (!(e instanceof EnvironmentError || e instanceof UsageError)) throw e;
        say(colors.red(`error: ${e.message}`));
        errorCodes.push(e.exitCode);
        reports.push({ id: scenario.id, title: scenario.title, status: 'error', error: e.message, durationMs: Date.now() - started, timings: {}, waits: [], checks: [] });
      } finally {
        if (cfg.keep && last) say(colors.yellow(`KEEP=1: ${cfg.container} left running (make shell, make logs, make capture-${scenario.id}, make down)`));
        else await teardown();
      }
      printScenarioEnd(reports[reports.length - 1]);
      if (interrupt.signal.aborted) return interrupt.code();
    }
    return finishRun(runDir, runReport(cfg, 'live', startedAt, reports, errorCodes));
  });
}
