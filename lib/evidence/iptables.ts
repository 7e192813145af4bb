/** `iptables -t nat -S` (iptables-nat.txt): gathered only when a check reads it (a target may have no iptables). */
import { iptablesProblem, type IptablesRule, parseIptablesS } from '../parse/iptables.ts';
import type { EvidenceSource } from './source.ts';

export const IPTABLES_NAT: EvidenceSource<IptablesRule[]> = {
  name: 'iptables',
  file: 'iptables-nat.txt',
  gathered: 'when-read',
  command: () => 'iptables -t nat -S',
  read: (text) => ({ value: parseIptablesS(text), problem: iptablesProblem(text) }),
  readability: { exitStatus: true },
};
