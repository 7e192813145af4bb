/**
 * rerun: runs again exactly the scenarios that failed or could not run in an earlier run.
 *   make rerun REPORT=reports/<run>     (the run directory, or its report.json)
 * Same exit codes and reports as test-all; nothing failed there → says so and exits 0.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from '../lib/errors.ts';
import { idsToRerun, parseRunReport } from '../lib/rerun.ts';
import { findScenario } from '../lib/scenarios.ts';
import { colors, config, isMain, loadPlan, main, say } from './shared/common.ts';
import { runTests } from './test.ts';

if (isMain(import.meta.url, 'rerun')) {
  await main(async () => {
    const given = process.env.REPORT;
    if (!given) throw new UsageError('which run? make rerun REPORT=reports/<run> (a run directory or its report.json)');
    const file = existsSync(given) && statSync(given).isDirectory() ? `${given}/report.json` : given;
    if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
    const earlier = parseRunReport(readFileSync(file, 'utf8'), file);
    const plan = loadPlan();
    const ids = idsToRerun(earlier);
    if (!ids.length) {
      say(colors.green(`nothing to rerun: every scenario of ${file} passed (or was xfail/xpass/skipped)`));
      return 0;
    }
    say(colors.bold(`rerun of ${ids.join(', ')} (failed or errored in ${file})`));
    return runTests(config(), plan, ids.map((id) => findScenario(plan, id)), 'rerun');
  });
}
