/**
 * kind "nft-rule": how many rules of `nft list ruleset` in table FAMILY NAME, chain CHAIN read
 * exactly RULE (e.g. the isolation branch's `iifname "pvbr0" oifname "pvbr1" drop` in
 * `table inet pv_ipam`, chain `forward`).
 */
import type { Check } from '../scenarios.ts';
import { countSatisfied, describeCount, type Count } from '../log-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

const norm = (s: string) => s.trim().replace(/\s+/g, ' ');

export function nftRule(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const family = check.family as string;
  const tableName = check.table as string;
  const chainName = check.chain as string;
  const rule = norm(check.rule as string);
  const count = check.count as Count;
  const expected = `${describeCount(count)} rule(s) \`${rule}\` in table ${family} ${tableName}, chain ${chainName}`;
  if (state.missing.includes('nft-ruleset.txt')) return { pass: false, expected, actual: 'nft-ruleset.txt missing' };
  const table = state.nft.find((t) => t.family === family && t.name === tableName);
  const chain = table?.chains.find((c) => c.name === chainName);
  const n = chain ? chain.rules.filter((r) => norm(r) === rule).length : 0;
  const actual = !table ? `no table ${family} ${tableName} (tables: ${state.nft.map((t) => `${t.family} ${t.name}`).join(', ') || 'none'})`
    : !chain ? `table ${family} ${tableName} has no chain ${chainName}`
    : `${n} matching; chain ${chainName}: ${chain.rules.join(' | ') || 'no rules'}`;
  return { pass: countSatisfied(n, count), expected, actual };
}
