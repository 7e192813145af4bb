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

/** Runs one check; an evaluator that throws is reported as a failure, never a crash. */
export function evaluateCheck(check: Check, ctx: EvalContext): Outcome {
  const evaluator = EVALUATORS[check.kind];
  if (!evaluator) return { pass: false, expected: `a known check kind`, actual: `unknown kind '${check.kind}'` };
  try {
    return evaluator(check, ctx);
  } catch (e) {
    return { pass: false, expected: 'check could be evaluated', actual: `error: ${(e as Error).message}` };
  }
}

export type { EvalContext, Outcome } from './types.ts';
