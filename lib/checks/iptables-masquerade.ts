/**
 * kind "iptables-masquerade": how many MASQUERADE rules `iptables -t nat -S` (bundle file
 * iptables-nat.txt) lists that apply to the given pool subnet (judged on addresses, as
 * nft-masquerade: no -s at all, a wider -s, `! -s <another>`, an iprange holding the pool) and/or
 * read `! -o <bridge>`. A rule covering only part of the pool fails; one not understood is an ERROR.
 */
import type { Check } from '../scenarios.ts';
import { countSatisfied, describeCount, type Count } from '../log-match.ts';
import { rulesForPool } from '../source-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export function iptablesMasquerade(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const all = state.iptables.filter((r) => r.target === 'MASQUERADE');
  const inScope = all.filter((r) =>
    (check.chain === undefined || r.chain === check.chain) &&
    (check.notOutputInterface === undefined || r.outNot === check.notOutputInterface));
  const subnet = check.subnet as string | undefined;
  const { matching, partial, unknown } = rulesForPool(inScope, subnet);
  const what = [check.chain ? `-A ${check.chain}` : undefined, subnet ? `applying to ${subnet}` : undefined,
    check.notOutputInterface ? `! -o ${check.notOutputInterface}` : undefined].filter(Boolean).join(' ');
  const count = check.count as Count;
  const expected = `${describeCount(count)} MASQUERADE rule(s) ${what}`.trimEnd();
  if (state.files['iptables-nat.txt'] === undefined) return { pass: false, expected, actual: 'iptables-nat.txt missing (no iptables in the container?)' };
  if (unknown.length) return { pass: false, error: true, expected, actual: `a MASQUERADE rule whose source match is not understood: ${unknown.map((r) => r.raw).join(' | ')}` };
  return {
    pass: countSatisfied(matching.length, count) && partial.length === 0,
    expected,
    actual: `${matching.length} matching${partial.length ? ` (${partial.length} covering only part of ${subnet}: ${partial.map((r) => r.raw).join(' | ')})` : ''}; all MASQUERADE rules: ${all.map((r) => r.raw).join(' | ') || 'none'}`,
  };
}
