/**
 * clean: remove every container and volume carrying the toolkit's label (leftovers of KEEP=1
 * runs, or of a run that was killed), releasing the loop devices they attached first, as down does.
 */
import { config, isMain, main, say } from './common.ts';
import { docker, requireDocker } from './docker.ts';
import { releaseHostLoops, releaseLoops } from './down.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    await requireDocker();
    const lines = (await docker(['ps', '-a', '--filter', `label=${cfg.label}`, '--format', '{{.Names}} {{.State}}'])).stdout.split('\n').filter(Boolean);
    for (const line of lines) {
      const [name, state] = line.split(' ');
      if (state === 'running') await releaseLoops({ ...cfg, container: name }).catch(() => {});
      await docker(['rm', '-f', name], { echo: true });
    }
    const vs = (await docker(['volume', 'ls', '-q', '--filter', `label=${cfg.label}`])).stdout.split('\n').filter(Boolean);
    for (const v of vs) {
      await releaseHostLoops({ ...cfg, volume: v }).catch(() => {});
      await docker(['volume', 'rm', v], { echo: true });
    }
    say(`removed ${lines.length} container(s), ${vs.length} volume(s) labelled ${cfg.label}`);
  });
}
