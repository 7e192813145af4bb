/** kind "no-running-containers": lxc-ls -f lists no RUNNING container (it may list STOPPED ones). */
import { FILES } from '../bundle.ts';
import { lxcLs } from '../evidence.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { current, describeLxc, type EvalContext, type Outcome } from './types.ts';

export interface NoRunningContainersCheck extends CheckBase {
  kind: 'no-running-containers';
}

export function noRunningContainers(_check: NoRunningContainersCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const running = state.lxc.filter((r) => r.state === 'RUNNING');
  return {
    pass: running.length === 0 && !state.missing.includes('lxc-ls.txt'),
    expected: 'no container RUNNING',
    actual: running.length ? `RUNNING: ${running.map((r) => r.name).join(', ')}` : describeLxc(state),
  };
}

export const KIND: CheckKind<NoRunningContainersCheck> = {
  kind: 'no-running-containers',
  schema: { properties: {} },
  files: () => [FILES.lxcLs],
  evaluate: noRunningContainers,
  evidence: lxcLs,
};
