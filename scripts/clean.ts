/**
 * clean: remove every container and volume carrying the toolkit's label (leftovers of KEEP=1
 * runs, or of a run that was killed), releasing the loop devices they attached first, as down does,
 * and the pvrexports staged in PVTXD (lib/run/down.ts clean).
 */
import { isMain, main } from '../lib/run/cli.ts';
import { clean } from '../lib/run/down.ts';
import { config } from '../lib/run/inputs.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    await clean(cfg);
  });
}
