/**
 * kind "nft-masquerade": how many masquerade rules in `nft list ruleset` match the given
 * source subnet and/or `oifname != <bridge>` (optionally within one table/chain).
 * count {eq: 0} asserts there is none.
 */
import type { Check } from '../scenarios.ts';
import { countSatisfied, describeCount, type Count } from '../log-match.ts';
import { findMasqueradeRules } from '../parse/nft.ts';
import { normalizeSubnet } from '../ip.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

function sameSubnet(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try { return normalizeSubnet(a) === normalizeSubnet(b); } catch { return a === b; }
}

export function nftMasquerade(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const all = findMasqueradeRules(state.nft);
  const matching = all.filter((r) =>
    (check.table === undefined || r.table === check.table) &&
    (check.chain === undefined || r.chain === check.chain) &&
    (check.subnet === undefined || sameSubnet(r.saddr, check.subnet as string)) &&
    (check.notOutputInterface === undefined || r.oifnameNot === check.notOutputInterface));
  const what = [
    check.subnet ? `ip saddr ${check.subnet}` : undefined,
    check.notOutputInterface ? `oifname != "${check.notOutputInterface}"` : undefined,
  ].filter(Boolean).join(' ');
  const where = check.table ? ` in ${check.table}${check.chain ? `/${check.chain}` : ''}` : '';
  const count = check.count as Count;
  return {
    pass: countSatisfied(matching.length, count) && !state.missing.includes('nft-ruleset.txt'),
    expected: `${describeCount(count)} masquerade rule(s) ${what}${where}`,
    actual: state.missing.includes('nft-ruleset.txt')
      ? 'nft-ruleset.txt missing'
      : `${matching.length} matching; all masquerade rules: ${all.map((r) => `${r.table}/${r.chain}: ${r.raw}`).join(' | ') || 'none'}`,
  };
}
