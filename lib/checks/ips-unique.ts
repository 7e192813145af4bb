/** kind "ips-unique" (implied by the plan): no two containers in lxc-ls -f share an IPv4 address. */
import { FILES } from '../bundle/bundle.ts';
import { lxcLs } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { bareIp } from '../ip.ts';
import { current, describeLxc, type EvalContext, type Outcome } from './types.ts';

export interface IpsUniqueCheck extends CheckBase {
  kind: 'ips-unique';
}

export function ipsUnique(_check: IpsUniqueCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const owners = new Map<string, string[]>();
  for (const row of state.lxc) {
    for (const ip of row.ipv4) {
      const key = bareIp(ip);
      owners.set(key, [...(owners.get(key) ?? []), row.name]);
    }
  }
  const dups = [...owners].filter(([, names]) => names.length > 1);
  return {
    pass: dups.length === 0 && !state.missing.includes('lxc-ls.txt'),
    expected: 'every container has its own IPv4 address',
    actual: dups.length ? dups.map(([ip, names]) => `${ip} held by ${names.join(' and ')}`).join('; ') : describeLxc(state),
  };
}

export const KIND: CheckKind<IpsUniqueCheck> = {
  kind: 'ips-unique',
  schema: { properties: {} },
  files: () => [FILES.lxcLs],
  evaluate: ipsUnique,
  evidence: lxcLs,
};
