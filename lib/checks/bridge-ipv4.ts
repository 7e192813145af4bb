/** kind "bridge-ipv4": `ip addr show` lists the interface with this IPv4 address/prefix. */
import { FILES } from '../bundle/bundle.ts';
import { show } from '../evidence/user-lines.ts';
import { shellQuote as shq } from '../tooling/shell-quote.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { findIface } from '../parse/ip-addr.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface BridgeIpv4Check extends CheckBase {
  kind: 'bridge-ipv4';
  interface: string;
  cidr: string;
}

export function bridgeIpv4(check: BridgeIpv4Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const name = check.interface;
  const cidr = check.cidr;
  const iface = findIface(state.ifaces, name);
  const expected = `${name} with inet ${cidr}`;
  if (!iface) {
    const names = state.ifaces.map((i) => i.name).join(', ');
    return { pass: false, expected, actual: state.missing.includes('ip-addr.txt') ? 'ip-addr.txt missing' : `no interface ${name} (interfaces: ${names || 'none'})` };
  }
  const have = iface.inet.map((a) => a.cidr);
  return { pass: have.includes(cidr), expected, actual: `${name} inet ${have.join(', ') || 'none'}` };
}

export const KIND: CheckKind<BridgeIpv4Check> = {
  kind: 'bridge-ipv4',
  schema: { properties: { interface: { type: 'string' }, cidr: { type: 'string' } }, required: ['interface', 'cidr'] },
  files: () => [FILES.ipAddr],
  evaluate: bridgeIpv4,
  evidence: (c, p, exec) => [show('ip-addr.txt', `ip addr show ${shq(c.interface)}`, p, exec)],
};
