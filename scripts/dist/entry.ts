/**
 * The single file's entry (make dist bundles it into dist/pv-ipam-tests.mjs): as a command,
 * verb.ts reads the verb and the one script it names runs (lib/run/cli.ts isMain); as a module, it
 * exports the toolkit's API (lib/api.ts) and the engine's functions a script of one's own needs:
 *   import { loadPlan, verifyCapture, parseLxcLs } from './pv-ipam-tests.mjs';
 */
import './verb.ts';
import '../test.ts';
import '../verify.ts';
import '../capture.ts';
import '../plan.ts';
import '../lint.ts';
import '../junit-merge.ts';
import '../rerun.ts';
import type { Config } from '../../lib/config.ts';
import { findScenario, type PlanFile, type Scenario } from '../../lib/scenarios.ts';
import type { ScenarioReport } from '../../lib/report/model.ts';
import { config, loadPlan } from '../../lib/run/inputs.ts';
import { stamp } from '../../lib/run/cli.ts';
import { preflightArtifacts } from '../../lib/run/stage.ts';
import { bootHooks } from '../../lib/run/exec.ts';
import { runOne, runTests } from '../../lib/run/test.ts';
import { verifyBundle } from '../../lib/run/verify.ts';

export * from '../../lib/api.ts';
export { config, loadPlan, runTests, verifyBundle };
export { readBundle } from '../../lib/run/bundle-files.ts';
export { EMBEDDED, type Embedded } from '../../lib/run/inputs.ts';

/**
 * Runs one scenario on a real appengine as test-N does (stage, boot, verify, tear down) and
 * returns its report; its bundle is written under `runDir` (default REPORT_DIR/<time>-test-<id>).
 * The variables come from the environment unless `cfg` is given (config()).
 */
export async function runScenario(scenario: Scenario | string, opts: { cfg?: Config; plan?: PlanFile; runDir?: string; signal?: AbortSignal } = {}): Promise<ScenarioReport> {
  const plan = opts.plan ?? loadPlan();
  const cfg = opts.cfg ?? config();
  const sc = typeof scenario === 'string' ? findScenario(plan, scenario) : scenario;
  const { driver } = bootHooks(cfg, `test-${sc.id}`);
  const checked = await preflightArtifacts(cfg, plan, [sc]);
  await driver.requireReachable();
  const runDir = opts.runDir ?? `${cfg.reportDir}/${stamp()}-test-${sc.id}`;
  const outcome = await runOne(cfg, plan, sc, runDir, opts.signal ?? new AbortController().signal, new Map(), cfg.keep, checked);
  return outcome.report;
}

/**
 * Re-checks a captured bundle offline as `verify-N SNAPSHOT=DIR` does, with the plan's checks
 * (or `plan`'s), and returns its report.
 */
export function verifyCapture(dir: string, scenario: Scenario | string, opts: { cfg?: Config; plan?: PlanFile } = {}): ScenarioReport {
  const plan = opts.plan ?? loadPlan();
  const sc = typeof scenario === 'string' ? findScenario(plan, scenario) : scenario;
  return verifyBundle(opts.cfg ?? config(), plan, sc, dir).report;
}
