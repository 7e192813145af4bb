/**
 * The single file's entry (make dist bundles it into dist/pv-ipam-tests.mjs): as a command,
 * verb.ts reads the verb and the one script it names runs (common.ts isMain); as a module, it
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
import { config, loadPlan, stamp } from '../shared/common.ts';
import { requireDocker, requireImage } from '../shared/docker.ts';
import { preflightArtifacts } from '../stage.ts';
import { runOne, runTests } from '../test.ts';
import { verifyBundle } from '../verify.ts';

export * from '../../lib/api.ts';
export { config, loadPlan, runTests, verifyBundle };
export { readBundle } from '../shared/bundle-files.ts';
export { EMBEDDED, type Embedded } from '../shared/common.ts';

/**
 * Runs one scenario on a real appengine as test-N does (stage, boot, verify, tear down) and
 * returns its report; its bundle is written under `runDir` (default REPORT_DIR/<time>-test-<id>).
 * The variables come from the environment unless `cfg` is given (config()).
 */
export async function runScenario(scenario: Scenario | string, opts: { cfg?: Config; plan?: PlanFile; runDir?: string; signal?: AbortSignal } = {}): Promise<ScenarioReport> {
  const plan = opts.plan ?? loadPlan();
  const cfg = opts.cfg ?? config();
  const sc = typeof scenario === 'string' ? findScenario(plan, scenario) : scenario;
  await preflightArtifacts(cfg, plan, [sc]);
  await requireDocker();
  await requireImage(cfg);
  const runDir = opts.runDir ?? `${cfg.reportDir}/${stamp()}-test-${sc.id}`;
  const outcome = await runOne(cfg, plan, sc, runDir, opts.signal ?? new AbortController().signal, new Map(), cfg.keep);
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
