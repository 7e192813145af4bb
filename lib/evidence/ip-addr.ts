/** `ip addr show`: the target's interfaces and addresses (ip-addr.txt), e.g. a pool's bridge. */
import { type Iface, ipAddrProblem, parseIpAddr } from '../parse/ip-addr.ts';
import type { EvidenceSource } from './source.ts';

export const IP_ADDR: EvidenceSource<Iface[]> = {
  name: 'ip-addr',
  file: 'ip-addr.txt',
  gathered: 'always',
  command: () => 'ip addr show',
  read: (text) => ({ value: parseIpAddr(text), problem: ipAddrProblem(text) }),
  readability: { exitStatus: true },
};
