/**
 * DEVICE_RESTORE=commit (issue 25): a device run whose test revision became the device's rollback
 * point (it became DONE, so Pantavisor committed it; the return to the baseline, a revision
 * already DONE, is not committed again) ends by making the baseline's state last:
 *   pvtx begin <storage>/trails/<baseline>
 *   pvtx commit locals/pv-ipam-tests-baseline-<time>
 *   pvcontrol cmd run-commit locals/pv-ipam-tests-baseline-<time>
 * then waits (BOOT_TIMEOUT, the last state shown) until that revision runs and is DONE, and
 * verifies every container the baseline had RUNNING RUNNING on its addresses. The device then
 * runs, and reboots into, a copy of its baseline under a new name. Anything else: one
 * EnvironmentError line (exit 3).
 */
import type { Config } from '../tooling/config.ts';
import { EnvironmentError } from '../tooling/errors.ts';
import { deviceRevisionName } from '../device/form.ts';
import { describeState, type DeviceState, notBackOn } from '../device/state.ts';
import { commitBaselineCommands } from '../device/update-plan.ts';
import { storageOf } from '../bundle/bundle.ts';
import type { Action } from './boot.ts';
import { readDevice, transaction, waitDevice } from './device-run.ts';

/** The state read before anything is installed, and the revision it is committed as; the line to say, or an EnvironmentError. */
export async function commitBaseline(cfg: Config, baseline: DeviceState, signal?: AbortSignal): Promise<{ revision: string; line: string }> {
  const rev = deviceRevisionName('baseline', new Date());
  const actions: Action[] = [];
  const commands = commitBaselineCommands(storageOf(cfg), baseline.revision!, rev);
  await transaction(cfg, actions, 'restore', async (run) => {
    for (const c of commands) await run(c);
  });
  const copy: DeviceState = { ...baseline, revision: rev };
  const w = await waitDevice(cfg, `baseline committed as ${rev}`, () => readDevice(cfg, rev), (s) => s.progress?.status === 'DONE' && notBackOn(copy, s).length === 0, signal);
  const secs = (w.elapsedMs / 1000).toFixed(1);
  if (!w.ok) {
    const why = w.value.unreachable
      ? `unreachable (${w.value.unreachable})`
      : [...notBackOn(copy, w.value), ...(w.value.progress?.status === 'DONE' ? [] : [`progress ${w.value.progress?.status ?? 'unread'}, not DONE`])].join('; ');
    throw new EnvironmentError(`the baseline's state was not committed as ${rev} after ${secs} s: ${why}; last seen: ${describeState(w.value)}`);
  }
  return { revision: rev, line: `the baseline's state committed as ${rev} after ${secs} s: the device runs it and a reboot boots it (${describeState(w.value)})` };
}
