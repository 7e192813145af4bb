/** kind "nft-nat-chain": `nft list ruleset` has this table and chain with this type/hook/priority. */
import { FILES } from '../bundle/bundle.ts';
import { nftRuleset } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface NftNatChainCheck extends CheckBase {
  kind: 'nft-nat-chain';
  family: string;
  table: string;
  chain: string;
  type?: string;
  hook?: string;
  priority?: string;
}

export function nftNatChain(check: NftNatChainCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const want: Record<string, string | undefined> = { type: check.type, hook: check.hook, priority: check.priority };
  const expected = `table ${check.family} ${check.table} chain ${check.chain}` +
    Object.entries(want).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k} ${v}`).join('');
  const table = state.nft.find((t) => t.family === check.family && t.name === check.table);
  const tables = state.nft.map((t) => `${t.family} ${t.name} {${t.chains.map((c) => c.name).join(', ')}}`).join('; ');
  if (!table) return { pass: false, expected, actual: `tables: ${tables || 'none'}` };
  const chain = table.chains.find((c) => c.name === check.chain);
  if (!chain) return { pass: false, expected, actual: `tables: ${tables}` };
  const wrong = Object.entries(want).filter(([k, v]) => v !== undefined && (chain as unknown as Record<string, unknown>)[k] !== v);
  return {
    pass: wrong.length === 0,
    expected,
    actual: `table ${table.family} ${table.name} chain ${chain.name} type ${chain.type} hook ${chain.hook} priority ${chain.priority}`,
  };
}

export const KIND: CheckKind<NftNatChainCheck> = {
  kind: 'nft-nat-chain',
  schema: {
    properties: { family: { type: 'string' }, table: { type: 'string' }, chain: { type: 'string' }, type: { type: 'string' }, hook: { type: 'string' }, priority: { type: 'string' } },
    required: ['family', 'table', 'chain'],
  },
  files: () => [FILES.nft],
  evaluate: nftNatChain,
  evidence: nftRuleset,
};
