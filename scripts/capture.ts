/**
 * capture-N: write Test N's bundle without judging it (lib/run/capture.ts), from the running
 * container if there is one (e.g. after KEEP=1 make test-N), else from one booted and torn down
 * for it (unless KEEP=1). Re-check it with: make verify-N SNAPSHOT=DIR
 */
import { findScenario } from '../lib/scenarios.ts';
import { captureCommand } from '../lib/run/capture.ts';
import { isMain, main, testArg } from '../lib/run/cli.ts';
import { config, loadPlan } from '../lib/run/inputs.ts';

if (isMain(import.meta.url, 'capture')) {
  await main(async () => {
    const cfg = config();
    const plan = loadPlan();
    const scenario = findScenario(plan, testArg(process.argv.slice(2)));
    return captureCommand(cfg, plan, scenario, process.env.CAPTURE_DIR || undefined);
  });
}
