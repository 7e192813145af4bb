/**
 * make dist: the toolkit as one file, dist/pv-ipam-tests.mjs, and its types (lib/dist/build.ts).
 *   node --import tsx scripts/dist/build.ts [--out DIR]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildDist } from '../../lib/dist/build.ts';
import { UsageError } from '../../lib/errors.ts';
import { isMain, main } from '../../lib/run/cli.ts';
import { ROOT } from '../../lib/run/inputs.ts';
import { say } from '../../lib/run/output.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const args = process.argv.slice(2);
    if (args.length && !(args.length === 2 && args[0] === '--out')) throw new UsageError('usage: scripts/dist/build.ts [--out DIR]');
    const out = args.length ? resolve(args[1]) : `${ROOT}/dist`;
    const { js, dts } = await buildDist(ROOT, out);
    say(`wrote ${js} (${readFileSync(js).length} bytes) and ${dts}`);
  });
}
