/** kind "no-running-containers": lxc-ls -f lists no RUNNING container (it may list STOPPED ones). */
import type { Check } from '../scenarios.ts';
import { current, describeLxc, type EvalContext, type Outcome } from './types.ts';

export function noRunningContainers(_check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const running = state.lxc.filter((r) => r.state === 'RUNNING');
  return {
    pass: running.length === 0 && !state.missing.includes('lxc-ls.txt'),
    expected: 'no container RUNNING',
    actual: running.length ? `RUNNING: ${running.map((r) => r.name).join(', ')}` : describeLxc(state),
  };
}
