/** kind "device-json-pool": trails/0/device.json declares network.pools.<pool> with these fields. */
import type { Check } from '../scenarios.ts';
import { poolsOf } from '../bundle.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export function deviceJsonPool(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const name = check.pool as string;
  const wanted: Record<string, unknown> = {};
  for (const k of ['subnet', 'bridge', 'gateway', 'nat']) if (check[k] !== undefined) wanted[k] = check[k];
  const expected = `network.pools.${name} ${JSON.stringify(wanted)}`;
  const pools = poolsOf(state);
  if (typeof pools === 'string') return { pass: false, expected, actual: pools };
  const pool = pools[name];
  if (!pool) return { pass: false, expected, actual: `pools are: ${Object.keys(pools).join(', ') || 'none'}` };
  const wrong = Object.entries(wanted).filter(([k, v]) => (pool as Record<string, unknown>)[k] !== v);
  return {
    pass: wrong.length === 0,
    expected,
    actual: `network.pools.${name} ${JSON.stringify(pool)}`,
  };
}
