/** ci-matrix: prints the scenario ids as GitHub Actions' strategy.matrix JSON (one line). */
import { ciMatrixJson } from '../lib/ci-matrix.ts';
import { isMain, loadPlan, main, say } from './shared/common.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    say(ciMatrixJson(loadPlan()));
  });
}
