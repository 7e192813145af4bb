/**
 * down: remove what the toolkit created for a run (docker: the container's loop devices, the
 * container, the volume) and what stage copied into pvtx.d (lib/run/down.ts). Refused while a
 * live run holds the names.
 */
import { isMain, main } from '../lib/run/cli.ts';
import { downCommand } from '../lib/run/down.ts';
import { config } from '../lib/run/inputs.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    await downCommand(cfg);
  });
}
