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

/**
 * DEVICE_RESTORE=commit: the baseline's state as a new revision, committed. `pvtx begin` of the
 * baseline's trail copies its state (its objects are on the device already), and `pvcontrol cmd
 * run-commit` reboots into it even though its state equals the running one (`cmd run` would make
 * that a non-reboot update, which ends UPDATED and is not committed), so that it goes through
 * TESTING to DONE and Pantavisor makes it the rollback point.
 */
export function commitBaselineCommands(storage: string, baseline: string, revision: string): UpdateCommand[] {
  return [
    { argv: ['pvtx', 'begin', `${storage.replace(/\/+$/, '')}/trails/${baseline}`] },
    { argv: ['pvtx', 'commit', revision] },
    { argv: ['pvcontrol', 'cmd', 'run-commit', revision] },
  ];
}

/** A JSON value as text with every object's keys sorted: two device.json files are the same when these are. */
export function canonicalJson(v: unknown): string {
  const sorted = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sorted) : x !== null && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sorted((x as Record<string, unknown>)[k])])) : x;
  return JSON.stringify(sorted(v)) ?? 'undefined';
}

/**
 * The device.json a revision made of `states` (the scenario's exports, added in order: a later
 * one's device.json replaces an earlier one's) holds, canonical; `none` without one.
 */
export function deviceJsonOf(states: Record<string, unknown>[]): string {
  const last = states.filter((s) => 'device.json' in s).pop();
  return last ? canonicalJson(last['device.json']) : 'none';
}

/**
 * Whether installing a revision whose device.json is `next` over a running revision whose
 * device.json is `running` (as the device printed it: the file's text, or `none`) would be a
 * non-reboot update: Pantavisor reboots into a revision only when a part outside its containers
 * changed (state.c pv_state_stop_platforms: the jsons and objects that belong to no platform;
 * the BSP stays, so device.json decides). Unreadable text counts as the same (the safe answer:
 * the device is returned to its baseline first).
 */
export function sameDeviceJson(running: string, next: string): boolean {
  if (running.trim() === 'none') return next === 'none';
  const r = parseJsonBounded(running);
  return !('value' in r) || canonicalJson(r.value) === next;
}
