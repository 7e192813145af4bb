/**
 * down: the plan's Common Teardown, restricted to what the toolkit created: the target removed
 * by its driver's boot hooks (docker: the loop devices the container attached, docker rm -f,
 * docker volume rm; lib/target/docker-boot.ts), then what stage copied into pvtx.d.
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import type { Config } from '../config.ts';
import { bootHooks } from './exec.ts';
import { echoShell, say, shellQuote, typed } from './output.ts';
import { clearStaleLock } from './run-lock.ts';
import { readStageMarker, stageMarkerPath } from './stage.ts';

/** The scenario's teardown: the target removed, then the staged pvrexports. */
export async function down(cfg: Config): Promise<void> {
  await bootHooks(cfg, 'down').boot.remove();
  unstage(cfg);
}

/** make down on its own: refused while a live run holds the names (its teardown will run); a killed run's lock removed. */
export async function downCommand(cfg: Config): Promise<void> {
  const { boot } = bootHooks(cfg, 'down');
  await boot.requireHost();
  clearStaleLock(cfg);
  await down(cfg);
}

/** make clean: every target the toolkit made under its label, then the pvrexports staged in PVTXD. */
export async function clean(cfg: Config): Promise<void> {
  const { boot } = bootHooks(cfg, 'clean');
  await boot.requireHost();
  const line = await boot.removeAll();
  unstage(cfg);
  say(line);
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
