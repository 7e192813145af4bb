/**
 * junit-merge: one JUnit file for several runs (e.g. one per CI matrix job): their report.json
 * files merged into one run report and rendered once by lib/report/junit.ts.
 *   make junit-merge REPORTS="a/report.json b/report.json" OUT=merged.xml
 *   tsx scripts/junit-merge.ts [--out merged.xml] a/report.json ...
 * A directory in REPORTS stands for every report.json under it. junit.xml files are not read
 * (each run writes its report.json beside its junit.xml).
 */
import { isMain, main } from '../lib/run/cli.ts';
import { junitMergeCommand } from '../lib/run/junit-merge.ts';

if (isMain(import.meta.url, 'junit-merge')) {
  await main(async () => junitMergeCommand(process.argv.slice(2)));
}
