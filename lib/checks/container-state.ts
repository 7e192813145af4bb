/** kind "container-state": lxc-ls -f shows the container in this STATE. */
import { FILES } from '../bundle/bundle.ts';
import { lxcLs } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { current, describeLxc, type EvalContext, lxcRow, type Outcome } from './types.ts';

export interface ContainerStateCheck extends CheckBase {
  kind: 'container-state';
  container: string;
  state: 'RUNNING' | 'STOPPED' | 'FROZEN';
}

export function containerState(check: ContainerStateCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const container = check.container;
  const row = lxcRow(state, container);
  return {
    pass: row?.state === check.state,
    expected: `${container} ${check.state}`,
    actual: row ? `${container} ${row.state}` : `${container} not listed (${describeLxc(state)})`,
  };
}

export const KIND: CheckKind<ContainerStateCheck> = {
  kind: 'container-state',
  schema: { properties: { container: { $ref: '#/definitions/name' }, state: { enum: ['RUNNING', 'STOPPED', 'FROZEN'] } }, required: ['container', 'state'] },
  files: () => [FILES.lxcLs],
  evaluate: containerState,
  evidence: lxcLs,
  condition: (c, code) => `${code(c.container)} is ${c.state} in ${code('lxc-ls -f')}`,
  logEvent(c) {
    if (c.state !== 'RUNNING' && c.state !== 'STOPPED') return undefined;
    const to = c.state === 'RUNNING' ? 'STARTED' : 'STOPPED';
    return { pattern: { module: 'platforms', text: `platform '${c.container}' status is now ${to}` }, nth: 1 };
  },
};
