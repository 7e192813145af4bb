/** kind "container-not-running": lxc-ls -f does not show the container RUNNING (absent or another state). */
import { FILES } from '../bundle.ts';
import { lxcLs } from '../evidence.ts';
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
    pass: !state.missing.includes('lxc-ls.txt') && row?.state !== 'RUNNING',
    expected: `${container} not RUNNING (absent or stopped)`,
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
