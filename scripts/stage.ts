/**
 * stage-N: the plan's Setup block, after checking every artifact as pvtx would (lib/run/stage.ts):
 *   rm -f pvtx.d/<what an earlier stage copied there>      (pvtx.d/.pv-ipam-tests-staged)
 *   cp $ARTIFACTS/<artifact>.pvrexport.tgz pvtx.d/      (for each artifact of Test N)
 * A missing or broken artifact stops the run (exit 3) before pvtx.d is touched.
 */
import { findScenario } from '../lib/scenarios.ts';
import { isMain, main, testArg } from '../lib/run/cli.ts';
import { config, loadPlan } from '../lib/run/inputs.ts';
import { stageCommand } from '../lib/run/stage.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const plan = loadPlan();
    const scenario = findScenario(plan, testArg(process.argv.slice(2)));
    const cfg = config();
    await stageCommand(cfg, plan, scenario);
  });
}
