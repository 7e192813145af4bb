/**
 * down: the plan's Common Teardown, restricted to what the toolkit created.
 *   docker exec pva-test sh -c '<release the loop devices this container attached>'
 *   docker rm -f pva-test
 *   docker volume rm storage-test
 * The loop devices: `docker rm -f` does not detach the ones pantavisor attached for container
 * roots, and each would keep the deleted volume's space held (lib/loops.ts says which are ours).
 */
import type { Config } from '../lib/config.ts';
import { parseReleased, releaseLoopsScript } from '../lib/loops.ts';
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { colors, config, echoShell, isMain, main, say, shellQuote, typed } from './common.ts';
import { containerPresence, docker, requireDocker, volumePresence } from './docker.ts';

/** Detaches the loop devices the running container attached (see lib/loops.ts). */
export async function releaseLoops(cfg: Config): Promise<void> {
  const others = (await docker(['ps', '-q', '--filter', `label=${cfg.label}`, '--filter', 'status=running'])).stdout.split('\n').filter(Boolean);
  const self = (await docker(['container', 'inspect', '--format', '{{.Id}}', cfg.container])).stdout.trim();
  const alone = others.every((id) => self.startsWith(id));
  echoShell(`docker exec ${cfg.container} sh -c '<detach the loop devices mounted here${alone ? ` or backed by ${cfg.storagePath}/...` : ''}>'  # lib/loops.ts`);
  const r = await docker(['exec', cfg.container, 'sh', '-c', releaseLoopsScript(cfg.storagePath, alone)], { timeoutSecs: cfg.cmdTimeoutSecs + 10 });
  for (const l of parseReleased(r.stdout)) say(colors.dim(`  released ${l.device} (${l.file})`));
}

export async function down(cfg: Config): Promise<void> {
  const c = await containerPresence(cfg);
  if (c.exists && c.ours) {
    if (c.running) await releaseLoops(cfg).catch((e) => say(colors.yellow(`loop devices not released: ${(e as Error).message}`)));
    await docker(['rm', '-f', cfg.container], { echo: true });
  } else if (c.exists) say(colors.yellow(`left alone: container ${cfg.container} was not created by pv-ipam-tests`));
  const v = await volumePresence(cfg);
  if (v.exists && v.ours) {
    const r = await docker(['volume', 'rm', cfg.volume], { echo: true });
    if (r.exitCode !== 0) say(colors.yellow(`volume ${cfg.volume} not removed: ${r.stderr.trim()}`));
  } else if (v.exists) say(colors.yellow(`left alone: volume ${cfg.volume} was not created by pv-ipam-tests`));
  unstage(cfg);
}

/** Removes the pvrexports stage copied into pvtx.d (every *.pvrexport.tgz there is stage's), and pvtx.d if that empties it. */
export function unstage(cfg: Config): void {
  if (!existsSync(cfg.pvtxd)) return;
  const staged = readdirSync(cfg.pvtxd).filter((f) => f.endsWith('.pvrexport.tgz'));
  if (!staged.length) return;
  echoShell(`rm -f ${shellQuote(typed(cfg.pvtxd))}/*.pvrexport.tgz`);
  for (const f of staged) rmSync(`${cfg.pvtxd}/${f}`, { force: true });
  if (!readdirSync(cfg.pvtxd).length) rmdirSync(cfg.pvtxd);
}

if (isMain(import.meta.url)) {
  await main(async () => {
    await requireDocker();
    await down(config());
  });
}
