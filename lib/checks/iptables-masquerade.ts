/**
 * kind "iptables-masquerade": how many MASQUERADE rules `iptables -t nat -S` (bundle file
 * iptables-nat.txt) lists for the given source subnet and/or `! -o <bridge>`.
 */
import type { Check } from '../scenarios.ts';
import { countSatisfied, describeCount, type Count } from '../log-match.ts';
import { normalizeSubnet } from '../ip.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

function sameSubnet(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try { return normalizeSubnet(a) === normalizeSubnet(b); } catch { return a === b; }
}

export function iptablesMasquerade(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const all = state.iptables.filter((r) => r.target === 'MASQUERADE');
  const matching = all.filter((r) =>
    (check.chain === undefined || r.chain === check.chain) &&
    (check.subnet === undefined || sameSubnet(r.source, check.subnet as string)) &&
    (check.notOutputInterface === undefined || r.outNot === check.notOutputInterface));
  const what = [check.chain ? `-A ${check.chain}` : undefined, check.subnet ? `-s ${check.subnet}` : undefined,
    check.notOutputInterface ? `! -o ${check.notOutputInterface}` : undefined].filter(Boolean).join(' ');
  const count = check.count as Count;
  const missing = state.files['iptables-nat.txt'] === undefined;
  return {
    pass: !missing && countSatisfied(matching.length, count),
    expected: `${describeCount(count)} MASQUERADE rule(s) ${what}`.trimEnd(),
    actual: missing ? 'iptables-nat.txt missing (no iptables in the container?)' : `${matching.length} matching; all MASQUERADE rules: ${all.map((r) => r.raw).join(' | ') || 'none'}`,
  };
}
