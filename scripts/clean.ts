/** clean: remove every container and volume carrying the toolkit's label (leftovers of KEEP=1 runs). */
import { config, isMain, main, say } from './common.ts';
import { docker, requireDocker } from './docker.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    await requireDocker();
    const cs = (await docker(['ps', '-aq', '--filter', `label=${cfg.label}`])).stdout.split('\n').filter(Boolean);
    if (cs.length) await docker(['rm', '-f', ...cs], { echo: true });
    const vs = (await docker(['volume', 'ls', '-q', '--filter', `label=${cfg.label}`])).stdout.split('\n').filter(Boolean);
    if (vs.length) await docker(['volume', 'rm', ...vs], { echo: true });
    say(`removed ${cs.length} container(s), ${vs.length} volume(s) labelled ${cfg.label}`);
  });
}
