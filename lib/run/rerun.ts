/**
 * rerun: runs again exactly the scenarios that failed or could not run in an earlier run.
 *   make rerun REPORT=reports/<run>     (the run directory, or its report.json)
 * Same exit codes and reports as test-all; nothing failed there → says so and exits 0.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { JSON_BOUNDS } from '../parse/json-bounded.ts';
import { UsageError } from '../errors.ts';
import { idsToRerun } from '../rerun.ts';
import { fromJson } from '../report/json.ts';
import { findScenario } from '../scenarios.ts';
import { config, loadPlan } from './inputs.ts';
import { colors, say, terminalSafe } from './output.ts';
import { runTests } from './test.ts';

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
const isDirectory = (path: string) => !!statOf(path)?.isDirectory();

/** make rerun: what scripts/rerun.ts runs; returns the exit status. */
export async function rerunCommand(): Promise<number | void> {
  const given = process.env.REPORT;
  if (!given) throw new UsageError('which run? make rerun REPORT=reports/<run> (a run directory or its report.json)');
  const cfg = config();
  const file = isDirectory(given) ? `${given}/report.json` : given;
  const st = statOf(file);
  if (!st) throw new UsageError(`${file} does not exist`);
  if (!st.isFile()) throw new UsageError(`${file} is not a regular file`);
  if (st.size > JSON_BOUNDS.bytes) throw new UsageError(`${file} is ${Math.round(st.size / 2 ** 20)} MB, over the ${JSON_BOUNDS.bytes / 2 ** 20} MB a report.json may have`);
  const earlier = fromJson(readFileSync(file, 'utf8'), file);
  const plan = loadPlan();
  const ids = idsToRerun(earlier);
  // every id must be a test of this plan before anything runs
  const scenarios = ids.map((id) => findScenario(plan, id));
  if (!ids.length) {
    say(colors.green(`nothing to rerun: no scenario of ${file} made it fail${earlier.strict ? '' : ' (xfail, xpass and skipped do not, without STRICT=1)'}`));
    return 0;
  }
  // the run is judged as the earlier one was: its STRICT (and REQUIRE) unless set now
  if (earlier.strict && !process.env.STRICT) cfg.strict = true;
  if (earlier.require?.length && !process.env.REQUIRE) cfg.require = new Set(earlier.require.filter((c) => c in (plan.capabilities ?? {})));
  say(colors.bold(terminalSafe(`rerun of ${ids.join(', ')} (${earlier.strict ? 'failed, errored, or xfail/xpass under STRICT=1' : 'failed or errored'} in ${file})`)));
  return runTests(cfg, plan, scenarios, 'rerun');
}
