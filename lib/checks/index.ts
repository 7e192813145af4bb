/**
 * The check kinds of scenarios.json, each implemented by one evaluator in lib/checks/<kind>.ts.
 * Adding a check to the plan needs no code; adding a kind needs one file and one line here.
 */
import type { Check } from '../scenarios.ts';
import type { EvalContext, Outcome } from './types.ts';
import { containerState } from './container-state.ts';
import { containerIpv4 } from './container-ipv4.ts';
import { ipUsableInPool } from './ip-usable-in-pool.ts';
import { ipsUnique } from './ips-unique.ts';
import { ipMatchesLog } from './ip-matches-log.ts';
import { ipUnchanged } from './ip-unchanged.ts';
import { noRunningContainers } from './no-running-containers.ts';
import { deviceJsonPool } from './device-json-pool.ts';
import { bridgeIpv4 } from './bridge-ipv4.ts';
import { nftMasquerade } from './nft-masquerade.ts';
import { nftNatChain } from './nft-nat-chain.ts';
import { pingLoss } from './ping-loss.ts';
import { logContains } from './log-contains.ts';
import { logAbsent } from './log-absent.ts';
import { logOrdered } from './log-ordered.ts';
import { iptablesMasquerade } from './iptables-masquerade.ts';
import { nftRule } from './nft-rule.ts';
import { containerNotRunning } from './container-not-running.ts';
import { filesOfCheck } from '../gather.ts';
import { teardownFinished } from './teardown-finished.ts';

export type Evaluator = (check: Check, ctx: EvalContext) => Outcome;

export const EVALUATORS: Record<string, Evaluator> = {
  'container-state': containerState,
  'container-not-running': containerNotRunning,
  'container-ipv4': containerIpv4,
  'ip-usable-in-pool': ipUsableInPool,
  'ips-unique': ipsUnique,
  'ip-matches-log': ipMatchesLog,
  'ip-unchanged': ipUnchanged,
  'no-running-containers': noRunningContainers,
  'device-json-pool': deviceJsonPool,
  'bridge-ipv4': bridgeIpv4,
  'nft-masquerade': nftMasquerade,
  'nft-nat-chain': nftNatChain,
  'nft-rule': nftRule,
  'iptables-masquerade': iptablesMasquerade,
  'ping-loss': pingLoss,
  'log-contains': logContains,
  'log-absent': logAbsent,
  'log-ordered': logOrdered,
  'teardown-finished': teardownFinished,
};

/** The steps whose state a check reads: its own, or (ip-unchanged) the two it compares. */
function stepsOfCheck(check: Check, ctx: EvalContext): string[] {
  return check.kind === 'ip-unchanged' ? [check.from as string, check.to as string] : [ctx.step];
}

/** Why the evidence a check reads cannot be read (bundle.ts StepState.unreadable), or undefined. */
export function unreadableFor(check: Check, ctx: EvalContext): string | undefined {
  const files = filesOfCheck(check);
  const why: string[] = [];
  for (const step of stepsOfCheck(check, ctx)) {
    const state = ctx.steps[step];
    for (const f of files) {
      const reason = state?.unreadable?.[f];
      if (reason) why.push(step === ctx.step ? reason : `${step}: ${reason}`);
    }
  }
  return why.length ? why.join('; ') : undefined;
}

/**
 * Runs one check; an evaluator that throws is reported as a failure, never a crash. A check
 * whose evidence cannot be read is an ERROR quoting it, whatever the evaluator would say.
 */
export function evaluateCheck(check: Check, ctx: EvalContext): Outcome {
  const evaluator = EVALUATORS[check.kind];
  if (!evaluator) return { pass: false, expected: `a known check kind`, actual: `unknown kind '${check.kind}'` };
  let outcome: Outcome;
  try {
    outcome = evaluator(check, ctx);
  } catch (e) {
    outcome = { pass: false, expected: 'check could be evaluated', actual: `error: ${(e as Error).message}` };
  }
  const unreadable = unreadableFor(check, ctx);
  return unreadable ? { pass: false, error: true, expected: outcome.expected, actual: unreadable } : outcome;
}

export type { EvalContext, Outcome } from './types.ts';
