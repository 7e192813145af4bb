/**
 * IPv4 math for IPAM pools, on ip-num.
 * A pool is what device.json declares: a subnet (CIDR, stored as written) and a gateway.
 */
import { IPv4, IPv4CidrRange, Validator } from 'ip-num';

/** Strips an optional "/prefix" ("10.0.5.2/24" → "10.0.5.2"). */
export function bareIp(address: string): string {
  return address.trim().split('/')[0];
}

export function isIPv4(text: string): boolean {
  return Validator.isValidIPv4String(bareIp(text))[0];
}

/** Parses "a.b.c.d/n"; host bits may be set (pantavisor stores the subnet as written). */
export function parseSubnet(cidr: string): IPv4CidrRange {
  const [ip, prefix] = cidr.trim().split('/');
  if (!isIPv4(ip) || prefix === undefined || !/^\d+$/.test(prefix) || Number(prefix) > 32) {
    throw new Error(`invalid subnet CIDR: ${cidr}`);
  }
  // Normalise to the network address so that host bits do not make ip-num reject it.
  const size = 2n ** BigInt(32 - Number(prefix));
  const network = (IPv4.fromString(ip).getValue() / size) * size;
  return IPv4CidrRange.fromCidr(`${IPv4.fromNumber(network).toString()}/${prefix}`);
}

export interface PoolAddressFacts {
  inSubnet: boolean;
  isNetwork: boolean;
  isBroadcast: boolean;
  isGateway: boolean;
  /** inside the subnet and none of network, broadcast, gateway */
  usableHost: boolean;
  network: string;
  broadcast: string;
}

/** What an address is relative to a pool (subnet + gateway). */
export function classifyInPool(address: string, subnet: string, gateway: string): PoolAddressFacts {
  const range = parseSubnet(subnet);
  const ip = IPv4.fromString(bareIp(address));
  const first = range.getFirst();
  const last = range.getLast();
  const inSubnet = range.contains(ip);
  const isNetwork = ip.isEquals(first);
  const isBroadcast = ip.isEquals(last);
  const isGateway = isIPv4(gateway) && ip.isEquals(IPv4.fromString(bareIp(gateway)));
  return {
    inSubnet,
    isNetwork,
    isBroadcast,
    isGateway,
    usableHost: inSubnet && !isNetwork && !isBroadcast && !isGateway,
    network: first.toString(),
    broadcast: last.toString(),
  };
}

export function inSubnet(address: string, subnet: string): boolean {
  return parseSubnet(subnet).contains(IPv4.fromString(bareIp(address)));
}

/** Prefix length of a subnet ("10.0.5.0/24" → 24). */
export function prefixOf(subnet: string): number {
  return Number(parseSubnet(subnet).cidrPrefix.getValue());
}

/** Network address + prefix, as pantavisor prints it in NAT rules ("10.0.5.0/24"). */
export function normalizeSubnet(subnet: string): string {
  return parseSubnet(subnet).toCidrString();
}

/** Same address, ignoring any "/prefix". */
export function sameIp(a: string, b: string): boolean {
  return isIPv4(a) && isIPv4(b) && IPv4.fromString(bareIp(a)).isEquals(IPv4.fromString(bareIp(b)));
}

/** An inclusive range of IPv4 addresses, as numbers. */
export type Ipv4Interval = [first: bigint, last: bigint];

/**
 * The addresses an address match names: `10.0.5.3`, `10.0.5.0/24` (host bits allowed) or a range
 * `10.0.5.2-10.0.5.9`; undefined for anything else (IPv6, a set name, a variable).
 */
export function ipv4Interval(text: string): Ipv4Interval | undefined {
  const t = text.trim();
  const range = /^([^-\s]+)-([^-\s]+)$/.exec(t);
  if (range) {
    if (!isIPv4(range[1]) || !isIPv4(range[2]) || range[1].includes('/') || range[2].includes('/')) return undefined;
    const a = IPv4.fromString(range[1]).getValue();
    const b = IPv4.fromString(range[2]).getValue();
    return a <= b ? [a, b] : undefined;
  }
  if (t.includes('/')) {
    try {
      const r = parseSubnet(t);
      return [r.getFirst().getValue(), r.getLast().getValue()];
    } catch {
      return undefined;
    }
  }
  if (!isIPv4(t)) return undefined;
  const v = IPv4.fromString(t).getValue();
  return [v, v];
}
