/**
 * A scenario's revision built as an update of the revision a device runs, the way the update
 * step does it (lib/run/update-step.ts), one command each over the target driver:
 *   pvtx begin current                      the running revision's state, copied via pv-ctrl
 *   pvtx show                               (read: which parts it holds)
 *   pvtx remove PART                        each part that is not the device's own (below)
 *   pvtx add -  < EXPORT                    each of the scenario's exports (derived ones too), streamed
 *   pvtx commit locals/pv-ipam-tests-...
 *   pvcontrol cmd run locals/pv-ipam-tests-...
 * What a revision holds (the state JSON's keys): `#spec`; per container `<name>/...` (run.json,
 * lxc.container.conf, root.squashfs, ...) with `_sigs/<name>.json` and `_config/<name>/...`
 * (pvtx remove <name> drops those with it); `device.json`; on a board the BSP, `bsp/...`
 * (kernel, initrd, pantavisor itself) and `_hostconfig/...`, `_sigs/bsp.json`. The dev appengine
 * has no bsp part (its pantavisor is in the image). The device's own parts (bsp, `_`-prefixed
 * ones pvtx keeps with their owner) stay; every container and device.json is removed first, so
 * the revision holds exactly the scenario's containers and device.json on the device's platform.
 * Pure: the state JSON text in, the commands out.
 */
import { parseJsonBounded } from '../parse/json-bounded.ts';
import type { UpdateCommand } from '../run/update-step.ts';

/** Parts of a revision the toolkit never removes: the board's own (the BSP). */
export const KEPT_PARTS = ['bsp'];

/** The top-level parts a state JSON holds (`pv-example-net-server`, `device.json`, `bsp`, ...), sorted; `#spec` and `_`-prefixed keys are not parts. */
export function partsOf(state: Record<string, unknown>): string[] {
  const parts = new Set<string>();
  for (const key of Object.keys(state)) {
    if (key.startsWith('#') || key.startsWith('_')) continue;
    parts.add(key.includes('/') ? key.slice(0, key.indexOf('/')) : key);
  }
  return [...parts].sort();
}

/** `pvtx show`'s output read as a state JSON, or why it is not one. */
export function readState(text: string): { state?: Record<string, unknown>; problem?: string } {
  const r = parseJsonBounded(text.trim());
  if ('problem' in r) return { problem: `pvtx show did not print a state JSON (${r.problem})` };
  const v = r.value;
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof (v as Record<string, unknown>)['#spec'] !== 'string') return { problem: 'pvtx show printed JSON without a "#spec": not a state JSON' };
  return { state: v as Record<string, unknown> };
}

/** The parts of the running revision to remove before the scenario's exports are added. */
export function partsToRemove(state: Record<string, unknown>): string[] {
  return partsOf(state).filter((p) => !KEPT_PARTS.includes(p));
}

/** The commands before `pvtx show` is read. */
export function beginCommands(): UpdateCommand[] {
  return [{ argv: ['pvtx', 'begin', 'current'] }, { argv: ['pvtx', 'show'] }];
}

/** After `pvtx show`: the removes, one add per export (its host file), the commit and the run. */
export function installCommands(remove: string[], exportFiles: string[], revision: string): UpdateCommand[] {
  return [
    ...remove.map((part) => ({ argv: ['pvtx', 'remove', part] })),
    ...exportFiles.map((file) => ({ argv: ['pvtx', 'add', '-'], stdinFrom: file })),
    { argv: ['pvtx', 'commit', revision] },
    { argv: ['pvcontrol', 'cmd', 'run', revision] },
  ];
}

/** Discards a transaction the run began and did not commit. */
export const ABORT: UpdateCommand = { argv: ['pvtx', 'abort'] };

/** Returns the device to the revision it was found on (a reboot when device.json differs). */
export function returnCommand(baseline: string): UpdateCommand {
  return { argv: ['pvcontrol', 'cmd', 'run', baseline] };
}
