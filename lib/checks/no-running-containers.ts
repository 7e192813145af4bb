/**
 * kind "no-running-containers": nothing runs: every container lxc-ls -f lists is STOPPED (a
 * container RUNNING, STARTING, FROZEN, STOPPING, ABORTING, ... counts as running; a state lxc-ls
 * does not print makes lxc-ls.txt unreadable, an ERROR). A failure is not final: a teardown under
 * way is waited for within the step's deadline (scenarios wait for `teardown-finished` first).
 * A known issue's failure: `{"present": [{"name": NAME, "states": [STATE, ...]}, ...]}`, the
 * containers its failure leaves and in which states: every container found not STOPPED must be
 * one of them in one of its states.
 */
import { FILES } from '../bundle/bundle.ts';
import { lxcLs } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind, KnownFailure } from './kind.ts';
import { current, describeLxc, type EvalContext, notStopped, type Outcome } from './types.ts';
import { LXC_STATES } from '../parse/lxc-ls.ts';

export interface NoRunningContainersCheck extends CheckBase {
  kind: 'no-running-containers';
}

/** knownIssue.failure of a no-running-containers check: the containers its failure leaves, and their states. */
export interface NoRunningContainersFailure {
  present: { name: string; states: string[] }[];
}

/** What the check saw: the containers listed in a state other than STOPPED (undefined: lxc-ls.txt missing). */
export interface NoRunningContainersObserved {
  present: { name: string; state: string }[];
}

export const NO_RUNNING_CONTAINERS_FAILURE: KnownFailure<NoRunningContainersFailure, NoRunningContainersObserved> = {
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['present'],
    properties: {
      present: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'states'],
          properties: {
            name: { $ref: '#/definitions/name' },
            states: { type: 'array', minItems: 1, items: { enum: LXC_STATES.filter((s) => s !== 'STOPPED') } },
          },
        },
      },
    },
  },
  matches: (f, o) => o !== undefined && o.present.length > 0 && o.present.every((r) => f.present.some((p) => p.name === r.name && p.states.includes(r.state))),
  describe: (f) => `only ${f.present.map((p) => `${p.name} ${p.states.join('/')}`).join(', ')} left`,
};

export function noRunningContainers(_check: NoRunningContainersCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const expected = 'no container running (every one listed STOPPED)';
  if (state.missing.includes(FILES.lxcLs)) return { pass: false, expected, actual: describeLxc(state) };
  const present = notStopped(state);
  return {
    pass: present.length === 0,
    ...(present.length ? { observed: { present: present.map((r) => ({ name: r.name, state: r.state })) } satisfies NoRunningContainersObserved } : {}),
    expected,
    actual: present.length ? `not STOPPED: ${present.map((r) => `${r.name} ${r.state}`).join(', ')}` : describeLxc(state),
  };
}

export const KIND: CheckKind<NoRunningContainersCheck> = {
  kind: 'no-running-containers',
  schema: { properties: {} },
  files: () => [FILES.lxcLs],
  evaluate: noRunningContainers,
  evidence: lxcLs,
  knownFailure: NO_RUNNING_CONTAINERS_FAILURE,
};
