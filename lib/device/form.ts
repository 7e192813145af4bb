/**
 * How a scenario runs on a device that is already running (a 'running' target, issue 25): its
 * revision is installed as an update (lib/device/update-plan.ts) instead of being booted from a
 * fresh volume. scenarios.json says per scenario whether and in which form (`device`):
 *   {"form": "update"}                          the scenario's checks, judged on its revision
 *   {"form": "testing-rollback", "why", "replace"}  a test whose plan expectation is tied to a
 *       factory first boot (revision 0 is DONE, a refusal goes to STATE_REBOOT): as an update the
 *       revision is in TESTING, so a refusal goes to STATE_ROLLBACK and the device returns to its
 *       baseline; `replace` holds the checks (same ids) that say so, the rest are judged as written
 *   {"skip": "why"}                             SKIPPED on a device, with that reason
 * Pure: the scenario in, the scenario as a device judges it out.
 */
import type { Check } from '../checks/index.ts';
import type { DeviceForm, Scenario, Step } from '../plan/scenarios.ts';
import { UsageError } from '../tooling/errors.ts';

export type { DeviceForm };

/**
 * How a `replace` check names the revision the device run installs (`locals/pv-ipam-tests-<id>-<stamp>`,
 * unknown until the run): a revision name of the form checks accept, replaced where it is a whole value.
 */
export const DEVICE_REVISION_TOKEN = 'locals/pv-ipam-tests-device';

/** A scenario without `device` is not run on a device: SKIPPED with this reason. */
export const UNMARKED = 'scenarios.json does not say this scenario can run on a device (no `device` key)';

/** The scenario's device form (absent: skipped, UNMARKED). */
export function deviceFormOf(s: Scenario): DeviceForm {
  return s.device ?? { skip: UNMARKED };
}

/** The one line a report says about the form, or undefined for a plain update. */
export function formLine(f: DeviceForm): string | undefined {
  if ('skip' in f) return `not run on a device: ${f.skip}`;
  if (f.form === 'testing-rollback') return `run as its TESTING/ROLLBACK form on a device: ${f.why}`;
  return undefined;
}

/**
 * The revision a device run installs: unique per run (a failed revision is marked not to be
 * started again, so a name is never reused), `locals/` as pvtx commit names local revisions.
 */
export function deviceRevisionName(id: string, when: Date): string {
  const t = when.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `locals/pv-ipam-tests-${id}-${t}`;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const READY_0 = "state revision '0' status is now READY";

/** A log pattern that names revision 0's READY line, made to name `rev`'s (regex or text). */
function onRevision<T>(v: T, rev: string): T {
  if (typeof v === 'string') {
    return (v === DEVICE_REVISION_TOKEN ? rev : v) as T;
  }
  if (Array.isArray(v)) return v.map((x) => onRevision(x, rev)) as T;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === 'text' && typeof x === 'string' && x.includes(READY_0)) out[k] = x.split(READY_0).join(`state revision '${rev}' status is now READY`);
      else if (k === 'regex' && typeof x === 'string' && x.includes(escapeRegex(READY_0))) {
        out[k] = x.split(escapeRegex(READY_0)).join(escapeRegex(`state revision '${rev}' status is now READY`));
      } else out[k] = onRevision(x, rev);
    }
    return out as T;
  }
  return v;
}

/**
 * The scenario as a device judges it, running revision `rev`: its log lines of revision 0's
 * READY name `rev`'s (the device's revision is not 0), and in the testing-rollback form the
 * `replace` checks stand in for the checks of the same ids, and its `teardown-finished` waits go:
 * they hold when every container lxc-ls lists is STOPPED after the revision's teardown, but on a
 * device the revision is over once the device runs its rollback point (the flow waits for that:
 * its READY after `setting failed revision REV`), whose own containers then run. A replace id the
 * scenario does not have is a UsageError (exit 2): a typo must not leave the plan's check judged silently.
 */
export function onDevice(s: Scenario, rev: string): Scenario {
  const f = deviceFormOf(s);
  const replace = new Map<string, Check>('form' in f && f.form === 'testing-rollback' ? f.replace.map((c) => [c.id, c]) : []);
  const ids = new Set(s.steps.flatMap((st) => st.checks.map((c) => c.id)));
  const unknown = [...replace.keys()].filter((id) => !ids.has(id));
  if (unknown.length) throw new UsageError(`scenarios.json: Test ${s.id} device.replace names ${unknown.join(', ')}, not a check of the scenario`);
  const rollback = 'form' in f && f.form === 'testing-rollback';
  const steps: Step[] = s.steps.map((st) => ({
    ...st,
    waitFor: rollback ? st.waitFor.filter((c) => c.kind !== 'teardown-finished') : st.waitFor,
    checks: st.checks.map((c) => replace.get(c.id) ?? c),
  }));
  return onRevision({ ...s, steps }, rev);
}
