/**
 * verify-N: evaluate Test N's checks (lib/run/verify.ts).
 *   live (default): against the running appengine, running the scenario's steps;
 *   offline: SNAPSHOT=DIR re-checks a capture bundle, with exactly the same checks.
 * Exit: 0 every check passed, 1 a check failed, 2 bad usage or scenarios file, 3 environment.
 */
import { isMain, main, testArg } from '../lib/run/cli.ts';
import { config, loadPlan } from '../lib/run/inputs.ts';
import { verifyCommand } from '../lib/run/verify.ts';

if (isMain(import.meta.url, 'verify')) {
  await main(async () => {
    const cfg = config();
    const plan = loadPlan();
    const which = testArg(process.argv.slice(2), true);
    return verifyCommand(cfg, plan, which, process.env.SNAPSHOT);
  });
}
