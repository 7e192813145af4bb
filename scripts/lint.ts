/**
 * lint: predicts, without docker, what Pantavisor will refuse in the pvrexports of ARTIFACTS.
 *   1. every container export, with each device export of ARTIFACTS that defines its pool;
 *   2. every scenario's set, as `make stage-N` stages it (derived artifacts derived).
 * A WARN line per predicted refusal. It never fails for a warning (exit 0): the live checks
 * judge. Exit 3 when an export cannot be read.
 */
import { isMain, main } from '../lib/run/cli.ts';
import { lintCommand } from '../lib/run/lint.ts';

if (isMain(import.meta.url, 'lint')) {
  await main(async () => lintCommand());
}
