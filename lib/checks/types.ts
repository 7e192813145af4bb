/** What every check evaluator takes and returns. */
import type { StepState } from '../bundle.ts';
import type { LxcRow } from '../parse/lxc-ls.ts';

export interface EvalContext {
  /** state of every step gathered so far, by step id */
  steps: Record<string, StepState>;
  /** the step the check belongs to */
  step: string;
}

export interface Outcome {
  pass: boolean;
  expected: string;
  actual: string;
  /** a failure no wait can undo: pantavisor.log only grows, so a line that is there stays */
  final?: boolean;
  /** the evidence could not be read (quoted in `actual`): the check is not judged, it is an ERROR of the run */
  error?: boolean;
}

export function current(ctx: EvalContext): StepState {
  return ctx.steps[ctx.step];
}

export function lxcRow(state: StepState, container: string): LxcRow | undefined {
  return state.lxc.find((r) => r.name === container);
}

/** "lxc-ls -f: a RUNNING 10.0.5.2; b STOPPED -" or why there is nothing to show. */
export function describeLxc(state: StepState): string {
  if (state.unreadable['lxc-ls.txt']) return state.unreadable['lxc-ls.txt'];
  if (state.missing.includes('lxc-ls.txt')) return 'lxc-ls.txt missing';
  if (state.lxc.length === 0) return 'lxc-ls -f lists no containers';
  return 'lxc-ls -f: ' + state.lxc.map((r) => `${r.name} ${r.state} ${r.ipv4.join(',') || '-'}`).join('; ');
}
