/**
 * up: make the target (docker: volume and container), start pv-appengine and wait until its
 * boot settles (lib/run/up.ts). Exit: 0 settled, 1 not settled (left running), 3 environment.
 */
import { isMain, main } from '../lib/run/cli.ts';
import { config } from '../lib/run/inputs.ts';
import { up } from '../lib/run/up.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    return up(cfg);
  });
}
