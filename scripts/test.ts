/**
 * test-N / test-all: stage, boot, verify (live), tear down — for one test or every test in
 * order (lib/run/test.ts). Teardown always runs (finally, and on SIGINT/SIGTERM); KEEP=1 leaves
 * the last container up; JOBS=N runs N scenarios at once.
 * Exit: 0 all passed, 1 a check failed, 2 bad usage/scenarios file, 3 environment missing,
 * 130/143 interrupted.
 */
import { isMain, main, testArg } from '../lib/run/cli.ts';
import { config, loadPlan } from '../lib/run/inputs.ts';
import { testCommand } from '../lib/run/test.ts';

if (isMain(import.meta.url, 'test')) {
  await main(async () => {
    const cfg = config();
    const plan = loadPlan();
    const which = testArg(process.argv.slice(2), true);
    return testCommand(cfg, plan, which);
  });
}
