/**
 * down: the plan's Common Teardown, restricted to what the toolkit created.
 *   docker exec pva-test sh -c '<release the loop devices this container attached>'
 *   docker rm -f pva-test
 *   docker volume rm storage-test
 * The loop devices: `docker rm -f` does not detach the ones pantavisor attached for container
 * roots, and each would keep the deleted volume's space held (lib/loop-devices.ts says which are ours):
 * released inside the container while it runs, and from the host (as root) once it is gone.
 */
import type { Config } from '../lib/config.ts';
import { $ } from 'zx';
import { loopsBackedBy, mayBeStorageLoop, parseHostLosetup, parseReleased, releaseLoopsScript } from '../lib/loop-devices.ts';
import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { colors, config, echoShell, isMain, main, say, shellQuote, terminalSafe, typed } from './shared/common.ts';
import { containerPresence, docker, requireDocker, volumePresence } from './shared/docker.ts';
import { clearStaleLock } from './shared/run-lock.ts';
import { userLinesOf } from '../lib/target/registry.ts';
import { readStageMarker, stageMarkerPath } from './stage.ts';

/** Detaches the loop devices the running container attached (see lib/loop-devices.ts). */
export async function releaseLoops(cfg: Config, self: string): Promise<void> {
  const others = (await docker(['ps', '-q', '--filter', `label=${cfg.label}`, '--filter', 'status=running'])).stdout.split('\n').filter(Boolean);
  const alone = others.every((id) => self.startsWith(id));
  echoShell(`${userLinesOf(cfg).userLine('sh -c')} '<detach the loop devices mounted here${alone ? ` or backed by ${cfg.storagePath}/...` : ''}>'  # lib/loop-devices.ts`);
  const r = await docker(['exec', cfg.container, 'sh', '-c', releaseLoopsScript(cfg.storagePath, alone)], { timeoutSecs: cfg.cmdTimeoutSecs + 10 });
  for (const l of parseReleased(r.stdout)) say(colors.dim(terminalSafe(`  released ${l.device} (${l.file})`)));
}

/**
 * After the container is gone: the host loop devices still backed by files of the storage
 * volume (a container killed from outside, or a release cut short). Needs root on the host, to
 * read the volume and detach; without it, says which devices remain and how to free them.
 */
export async function releaseHostLoops(cfg: Config, mp: string): Promise<void> {
  const list = await $({ nothrow: true, quiet: true })`losetup -a`;
  if (list.exitCode !== 0 || !mp) return;
  const loops = parseHostLosetup(list.stdout).filter(mayBeStorageLoop);
  if (!loops.length) return;
  const files: { dev: number; ino: number }[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory() && depth < 6) walk(p, depth + 1);
      else if (e.isFile()) {
        const st = statSync(p);
        files.push({ dev: st.dev, ino: st.ino });
      }
    }
  };
  try {
    walk(mp, 0);
  } catch {
    say(colors.yellow(`loop devices of ${cfg.volume} may remain attached (run as root to release them, or: sudo losetup -a | grep trails)`));
    return;
  }
  for (const l of loopsBackedBy(loops, files)) {
    const r = await $({ nothrow: true, quiet: true })`losetup -d ${l.device}`;
    echoShell(`losetup -d ${l.device}  # ${l.file}`);
    if (r.exitCode !== 0) say(colors.yellow(terminalSafe(`  ${l.device} not released: ${r.stderr.trim()}`)));
  }
}

export async function down(cfg: Config): Promise<void> {
  await removeContainer(cfg);
  await removeVolume(cfg);
  unstage(cfg);
}

/** docker rm -f of cfg.container, if pv-ipam-tests created it, after the loop devices it attached. */
export async function removeContainer(cfg: Config): Promise<void> {
  const c = await containerPresence(cfg);
  if (c.exists && c.ours) {
    if (c.running) await releaseLoops(cfg, c.id ?? '').catch((e) => say(colors.yellow(`loop devices not released: ${(e as Error).message}`)));
    await docker(['rm', '-f', cfg.container], { echo: true });
  } else if (c.exists) say(colors.yellow(`left alone: container ${cfg.container} was not created by pv-ipam-tests`));
}

/** docker volume rm of cfg.volume, if pv-ipam-tests created it, after the host loop devices its files back. */
export async function removeVolume(cfg: Config): Promise<void> {
  const v = await volumePresence(cfg);
  if (v.exists && v.ours) {
    await releaseHostLoops(cfg, v.mountpoint ?? '').catch((e) => say(colors.yellow(`loop devices not released: ${(e as Error).message}`)));
    const r = await docker(['volume', 'rm', cfg.volume], { echo: true });
    if (r.exitCode !== 0) say(colors.yellow(`volume ${cfg.volume} not removed: ${r.stderr.trim()}`));
  } else if (v.exists) say(colors.yellow(`left alone: volume ${cfg.volume} was not created by pv-ipam-tests`));
}

/**
 * Removes the pvrexports stage copied into pvtx.d (those its marker names, nothing else), the
 * marker, and pvtx.d if stage created it and that empties it.
 */
export function unstage(cfg: Config): void {
  const marker = readStageMarker(cfg);
  if (!marker) return;
  const staged = marker.files.filter((f) => existsSync(`${cfg.pvtxd}/${f}`));
  if (staged.length) echoShell(`rm -f ${staged.map((f) => shellQuote(`${typed(cfg.pvtxd)}/${f}`)).join(' ')}`);
  for (const f of staged) rmSync(`${cfg.pvtxd}/${f}`, { force: true });
  rmSync(stageMarkerPath(cfg), { force: true });
  if (marker.createdDir && !readdirSync(cfg.pvtxd).length) rmdirSync(cfg.pvtxd);
}

if (isMain(import.meta.url)) {
  await main(async () => {
    await requireDocker();
    const cfg = config();
    clearStaleLock(cfg);
    await down(cfg);
  });
}
