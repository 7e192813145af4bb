/** kind "device-json-pool": trails/0/device.json declares network.pools.<pool> with these fields. */
import { FILES } from '../bundle/bundle.ts';
import { deviceJson } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { poolsOf } from '../bundle/bundle.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface DeviceJsonPoolCheck extends CheckBase {
  kind: 'device-json-pool';
  pool: string;
  subnet?: string;
  bridge?: string;
  gateway?: string;
  nat?: boolean;
}

export function deviceJsonPool(check: DeviceJsonPoolCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const name = check.pool;
  const wanted: Record<string, unknown> = {};
  for (const k of ['subnet', 'bridge', 'gateway', 'nat'] as const) if (check[k] !== undefined) wanted[k] = check[k];
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

export const KIND: CheckKind<DeviceJsonPoolCheck> = {
  kind: 'device-json-pool',
  schema: { properties: { pool: { type: 'string' }, subnet: { type: 'string' }, bridge: { type: 'string' }, gateway: { type: 'string' }, nat: { type: 'boolean' } }, required: ['pool'] },
  files: () => [FILES.deviceJson],
  evaluate: deviceJsonPool,
  evidence: deviceJson,
};
