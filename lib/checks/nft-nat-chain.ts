/** kind "nft-nat-chain": `nft list ruleset` has this table and chain with this type/hook/priority. */
import type { Check } from '../scenarios.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export function nftNatChain(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const want = { type: check.type, hook: check.hook, priority: check.priority } as Record<string, unknown>;
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
