/**
 * clean: remove every container and volume carrying the toolkit's label (leftovers of KEEP=1
 * runs, or of a run that was killed), releasing the loop devices they attached first, as down does,
 * and the pvrexports staged in PVTXD.
 */
import { config, isMain, main, say } from './shared/common.ts';
import { docker, requireDocker } from './shared/docker.ts';
import { removeContainer, removeVolume, unstage } from './down.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    await requireDocker();
    const cs = (await docker(['ps', '-a', '--filter', `label=${cfg.label}`, '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean);
    for (const container of cs) await removeContainer({ ...cfg, container });
    const vs = (await docker(['volume', 'ls', '-q', '--filter', `label=${cfg.label}`])).stdout.split('\n').filter(Boolean);
    for (const volume of vs) await removeVolume({ ...cfg, volume });
    unstage(cfg);
    say(`removed ${cs.length} container(s), ${vs.length} volume(s) labelled ${cfg.label}`);
  });
}
