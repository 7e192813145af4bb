/**
 * kind "nft-rule": how many rules of `nft list ruleset` in table FAMILY NAME, chain CHAIN read
 * exactly RULE (e.g. the isolation branch's `iifname "pvbr0" oifname "pvbr1" drop` in
 * `table inet pv_ipam`, chain `forward`).
 */
import { FILES } from '../bundle/bundle.ts';
import { nftRuleset } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { type Count, countSatisfied, describeCount } from '../log-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

const norm = (s: string) => s.trim().replace(/\s+/g, ' ');

export interface NftRuleCheck extends CheckBase {
  kind: 'nft-rule';
  family: string;
  table: string;
  chain: string;
  rule: string;
  count: Count;
}

export function nftRule(check: NftRuleCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const family = check.family;
  const tableName = check.table;
  const chainName = check.chain;
  const rule = norm(check.rule);
  const count = check.count;
  const expected = `${describeCount(count)} rule(s) \`${rule}\` in table ${family} ${tableName}, chain ${chainName}`;
  if (state.missing.includes('nft-ruleset.txt')) return { pass: false, expected, actual: 'nft-ruleset.txt missing' };
  const table = state.nft.find((t) => t.family === family && t.name === tableName);
  const chain = table?.chains.find((c) => c.name === chainName);
  const n = chain ? chain.rules.filter((r) => norm(r) === rule).length : 0;
  const actual = !table
    ? `no table ${family} ${tableName} (tables: ${state.nft.map((t) => `${t.family} ${t.name}`).join(', ') || 'none'})`
    : !chain
    ? `table ${family} ${tableName} has no chain ${chainName}`
    : `${n} matching; chain ${chainName}: ${chain.rules.join(' | ') || 'no rules'}`;
  return { pass: countSatisfied(n, count), expected, actual };
}

export const KIND: CheckKind<NftRuleCheck> = {
  kind: 'nft-rule',
  schema: {
    properties: { family: { type: 'string' }, table: { type: 'string' }, chain: { type: 'string' }, rule: { type: 'string' }, count: { $ref: '#/definitions/count' } },
    required: ['family', 'table', 'chain', 'rule', 'count'],
  },
  files: () => [FILES.nft],
  evaluate: nftRule,
  evidence: nftRuleset,
  expectsNoOutput: (c) => c.count?.eq === 0,
};
