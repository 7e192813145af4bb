/** ci-matrix: prints the scenario ids as GitHub Actions' strategy.matrix JSON (one line). */
import { ciMatrixJson } from '../lib/ci-matrix.ts';
import { loadPlan } from '../lib/run/inputs.ts';
import { say } from '../lib/run/output.ts';
import { isMain, main } from '../lib/run/cli.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    say(ciMatrixJson(loadPlan()));
  });
}
