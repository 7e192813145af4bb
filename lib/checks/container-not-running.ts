/**
 * kind "container-not-running": the container does not run: lxc-ls -f does not list it, or lists
 * it STOPPED (RUNNING, STARTING, FROZEN, STOPPING, ABORTING, ... all count as running). A failure
 * is not final: a stop under way is waited for within the step's deadline.
 */
import { FILES } from '../bundle/bundle.ts';
import { lxcLs } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { current, describeLxc, type EvalContext, lxcRow, type Outcome } from './types.ts';

export interface ContainerNotRunningCheck extends CheckBase {
  kind: 'container-not-running';
  container: string;
}

export function containerNotRunning(check: ContainerNotRunningCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const container = check.container;
  const row = lxcRow(state, container);
  return {
    pass: !state.missing.includes('lxc-ls.txt') && (row === undefined || row.state === 'STOPPED'),
    expected: `${container} not running (not listed, or STOPPED)`,
    actual: row ? `${container} ${row.state}` : `${container} not listed (${describeLxc(state)})`,
  };
}

export const KIND: CheckKind<ContainerNotRunningCheck> = {
  kind: 'container-not-running',
  schema: { properties: { container: { $ref: '#/definitions/name' } }, required: ['container'] },
  files: () => [FILES.lxcLs],
  evaluate: containerNotRunning,
  evidence: lxcLs,
};
