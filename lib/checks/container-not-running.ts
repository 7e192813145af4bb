/** kind "container-not-running": lxc-ls -f does not show the container RUNNING (absent or another state). */
import type { Check } from '../scenarios.ts';
import { current, describeLxc, lxcRow, type EvalContext, type Outcome } from './types.ts';

export function containerNotRunning(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const container = check.container as string;
  const row = lxcRow(state, container);
  return {
    pass: !state.missing.includes('lxc-ls.txt') && row?.state !== 'RUNNING',
    expected: `${container} not RUNNING (absent or stopped)`,
    actual: row ? `${container} ${row.state}` : `${container} not listed (${describeLxc(state)})`,
  };
}
