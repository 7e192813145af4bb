/** kind "bridge-ipv4": `ip addr show` lists the interface with this IPv4 address/prefix. */
import type { Check } from '../scenarios.ts';
import { findIface } from '../parse/ip-addr.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export function bridgeIpv4(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const name = check.interface as string;
  const cidr = check.cidr as string;
  const iface = findIface(state.ifaces, name);
  const expected = `${name} with inet ${cidr}`;
  if (!iface) {
    const names = state.ifaces.map((i) => i.name).join(', ');
    return { pass: false, expected, actual: state.missing.includes('ip-addr.txt') ? 'ip-addr.txt missing' : `no interface ${name} (interfaces: ${names || 'none'})` };
  }
  const have = iface.inet.map((a) => a.cidr);
  return { pass: have.includes(cidr), expected, actual: `${name} inet ${have.join(', ') || 'none'}` };
}
