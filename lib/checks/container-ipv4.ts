/**
 * kind "container-ipv4": the IPV4 column of lxc-ls -f for the container.
 * `equals` an address ("-" for none, as lxc-ls prints for a stopped container), or
 * `inPool` a pool name whose subnet comes from the captured device.json.
 */
import type { Check } from '../scenarios.ts';
import { poolsOf } from '../bundle.ts';
import { inSubnet, sameIp } from '../ip.ts';
import { current, describeLxc, lxcRow, type EvalContext, type Outcome } from './types.ts';

export function containerIpv4(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const container = check.container as string;
  const row = lxcRow(state, container);
  const shown = row ? (row.ipv4.length ? row.ipv4.join(', ') : '-') : undefined;
  const actual = row ? `${container} IPv4 ${shown}` : `${container} not listed (${describeLxc(state)})`;
  if (check.equals !== undefined) {
    const want = check.equals as string;
    const pass = !!row && (want === '-' ? row.ipv4.length === 0 : row.ipv4.length === 1 && sameIp(row.ipv4[0], want));
    return { pass, expected: `${container} IPv4 ${want}`, actual };
  }
  const pool = check.inPool as string;
  const pools = poolsOf(state);
  if (typeof pools === 'string') return { pass: false, expected: `${container} IPv4 in pool '${pool}'`, actual: `${actual}; ${pools}` };
  const subnet = pools[pool]?.subnet;
  if (!subnet) return { pass: false, expected: `${container} IPv4 in pool '${pool}'`, actual: `${actual}; device.json has no pool '${pool}'` };
  const pass = !!row && row.ipv4.length > 0 && row.ipv4.every((ip) => inSubnet(ip, subnet));
  return { pass, expected: `${container} IPv4 in ${subnet} (pool '${pool}')`, actual };
}
