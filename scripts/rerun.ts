/**
 * rerun: runs again exactly the scenarios that failed or could not run in an earlier run.
 *   make rerun REPORT=reports/<run>     (the run directory, or its report.json)
 * Same exit codes and reports as test-all; nothing failed there → says so and exits 0.
 */
import { isMain, main } from '../lib/run/cli.ts';
import { rerunCommand } from '../lib/run/rerun.ts';

if (isMain(import.meta.url, 'rerun')) {
  await main(async () => rerunCommand());
}
