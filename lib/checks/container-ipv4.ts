/**
 * kind "container-ipv4": the IPV4 column of lxc-ls -f for the container.
 * `equals` an address ("-" for none, as lxc-ls prints for a stopped container), or
 * `inPool` a pool name whose subnet comes from the captured device.json.
 */
import { FILES } from '../bundle/bundle.ts';
import { deviceJson, lxcLs } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { poolsOf } from '../bundle/bundle.ts';
import { inSubnet, sameIp } from '../ip.ts';
import { current, describeLxc, type EvalContext, lxcRow, type Outcome } from './types.ts';

export interface ContainerIpv4Check extends CheckBase {
  kind: 'container-ipv4';
  container: string;
  equals?: string;
  inPool?: string;
}

export function containerIpv4(check: ContainerIpv4Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const container = check.container;
  const row = lxcRow(state, container);
  const shown = row ? (row.ipv4.length ? row.ipv4.join(', ') : '-') : undefined;
  const actual = row ? `${container} IPv4 ${shown}` : `${container} not listed (${describeLxc(state)})`;
  if (check.equals !== undefined) {
    const want = check.equals;
    const pass = !!row && (want === '-' ? row.ipv4.length === 0 : row.ipv4.length === 1 && sameIp(row.ipv4[0], want));
    return { pass, expected: `${container} IPv4 ${want}`, actual };
  }
  const pool = String(check.inPool);
  const pools = poolsOf(state);
  if (typeof pools === 'string') return { pass: false, expected: `${container} IPv4 in pool '${pool}'`, actual: `${actual}; ${pools}` };
  const subnet = pools[pool]?.subnet;
  if (!subnet) return { pass: false, expected: `${container} IPv4 in pool '${pool}'`, actual: `${actual}; device.json has no pool '${pool}'` };
  const pass = !!row && row.ipv4.length > 0 && row.ipv4.every((ip) => inSubnet(ip, subnet));
  return { pass, expected: `${container} IPv4 in ${subnet} (pool '${pool}')`, actual };
}

export const KIND: CheckKind<ContainerIpv4Check> = {
  kind: 'container-ipv4',
  schema: { properties: { container: { $ref: '#/definitions/name' }, equals: { type: 'string' }, inPool: { type: 'string' } }, required: ['container'] },
  files: () => [FILES.lxcLs, FILES.deviceJson],
  evaluate: containerIpv4,
  evidence: (c, p, exec) => (c.inPool !== undefined ? [...lxcLs(c, p, exec), ...deviceJson(c, p, exec)] : lxcLs(c, p, exec)),
};
