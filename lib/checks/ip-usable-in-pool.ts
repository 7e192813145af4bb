/**
 * kind "ip-usable-in-pool" (implied by the plan): the container's address is inside its
 * pool's subnet and is not the network, broadcast or gateway address.
 */
import { FILES } from '../bundle/bundle.ts';
import { deviceJson, lxcLs } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { poolsOf } from '../bundle/bundle.ts';
import { classifyInPool } from '../ip.ts';
import { current, describeLxc, type EvalContext, lxcRow, type Outcome } from './types.ts';

export interface IpUsableInPoolCheck extends CheckBase {
  kind: 'ip-usable-in-pool';
  container: string;
  pool: string;
}

export function ipUsableInPool(check: IpUsableInPoolCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const container = check.container;
  const poolName = check.pool;
  const expected = `${container} IPv4 a usable host of pool '${poolName}' (inside the subnet, not network/broadcast/gateway)`;
  const pools = poolsOf(state);
  if (typeof pools === 'string') return { pass: false, expected, actual: pools };
  const pool = pools[poolName];
  if (!pool?.subnet || !pool.gateway) return { pass: false, expected, actual: `device.json has no pool '${poolName}' with subnet and gateway` };
  const row = lxcRow(state, container);
  if (!row || row.ipv4.length === 0) return { pass: false, expected, actual: row ? `${container} has no IPv4` : `${container} not listed (${describeLxc(state)})` };
  const problems: string[] = [];
  for (const ip of row.ipv4) {
    const f = classifyInPool(ip, pool.subnet, pool.gateway);
    if (!f.inSubnet) problems.push(`${ip} is outside ${pool.subnet} (${f.network}–${f.broadcast})`);
    else if (f.isNetwork) problems.push(`${ip} is the network address of ${pool.subnet}`);
    else if (f.isBroadcast) problems.push(`${ip} is the broadcast address of ${pool.subnet}`);
    else if (f.isGateway) problems.push(`${ip} is the gateway of pool '${poolName}'`);
  }
  return {
    pass: problems.length === 0,
    expected,
    actual: problems.length ? problems.join('; ') : `${row.ipv4.join(', ')} in ${pool.subnet}, gateway ${pool.gateway}`,
  };
}

export const KIND: CheckKind<IpUsableInPoolCheck> = {
  kind: 'ip-usable-in-pool',
  schema: { properties: { container: { $ref: '#/definitions/name' }, pool: { type: 'string' } }, required: ['container', 'pool'] },
  files: () => [FILES.lxcLs, FILES.deviceJson],
  evaluate: ipUsableInPool,
  evidence: (c, p, exec) => [...lxcLs(c, p, exec), ...deviceJson(c, p, exec)],
};
