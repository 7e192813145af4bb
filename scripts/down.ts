/**
 * down: the plan's Common Teardown, restricted to what the toolkit created.
 *   docker rm -f pva-test
 *   docker volume rm storage-test
 */
import type { Config } from '../lib/config.ts';
import { colors, config, isMain, main, say } from './common.ts';
import { containerPresence, docker, requireDocker, volumePresence } from './docker.ts';

export async function down(cfg: Config): Promise<void> {
  const c = await containerPresence(cfg);
  if (c.exists && c.ours) await docker(['rm', '-f', cfg.container], { echo: true });
  else if (c.exists) say(colors.yellow(`left alone: container ${cfg.container} was not created by pv-ipam-tests`));
  const v = await volumePresence(cfg);
  if (v.exists && v.ours) {
    const r = await docker(['volume', 'rm', cfg.volume], { echo: true });
    if (r.exitCode !== 0) say(colors.yellow(`volume ${cfg.volume} not removed: ${r.stderr.trim()}`));
  } else if (v.exists) say(colors.yellow(`left alone: volume ${cfg.volume} was not created by pv-ipam-tests`));
}

if (isMain(import.meta.url)) {
  await main(async () => {
    await requireDocker();
    await down(config());
  });
}
