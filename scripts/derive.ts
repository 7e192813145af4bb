/**
 * derive.ts NAME: writes $WORK_DIR/NAME.pvrexport.tgz, a derived artifact of scenarios.json
 * `derivedArtifacts`, from its source pvrexport, every command echoed (lib/run/derive.ts).
 */
import { isMain, main } from '../lib/run/cli.ts';
import { deriveCommand } from '../lib/run/derive.ts';
import { config, loadPlan } from '../lib/run/inputs.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    const plan = loadPlan();
    await deriveCommand(cfg, plan, process.argv[2]);
  });
}
