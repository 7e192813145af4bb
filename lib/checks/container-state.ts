/** kind "container-state": lxc-ls -f shows the container in this STATE. */
import type { Check } from '../scenarios.ts';
import { current, describeLxc, lxcRow, type EvalContext, type Outcome } from './types.ts';

export function containerState(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const container = check.container as string;
  const row = lxcRow(state, container);
  return {
    pass: row?.state === check.state,
    expected: `${container} ${check.state}`,
    actual: row ? `${container} ${row.state}` : `${container} not listed (${describeLxc(state)})`,
  };
}
