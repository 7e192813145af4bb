/**
 * Parser for `ip addr show` text output, both busybox (the appengine's `ip`)
 * and iproute2.
 *
 * busybox:  `4: vethbhb6Wd@lxcbr0: <BROADCAST,...> mtu 1500 qdisc noqueue master pvbr0 qlen 1000`
 * iproute2: `2: eth0@if5: <BROADCAST,...> mtu 1500 qdisc noqueue state UP group default qlen 1000`
 * followed by indented `link/...`, `inet ...`, `inet6 ...`, `valid_lft ...`
 * and (iproute2) `altname ...` lines.
 */
import { isIPv4 } from '../ip.ts';
import { splitLines } from './lines.ts';

/** One `inet`/`inet6` line. `cidr` is `address/prefix`. */
export interface InetAddr {
  address: string;
  prefix: number;
  cidr: string;
  broadcast?: string;
  scope?: string;
}

/** One interface block. `peer` is the part after `@` in the name (`lxcbr0`, `if5`, `NONE`). */
export interface Iface {
  index: number;
  name: string;
  peer?: string;
  flags: string[];
  mtu?: number;
  master?: string;
  state?: string;
  mac?: string;
  inet: InetAddr[];
  inet6: InetAddr[];
}

const IFACE_HEADER = /^(\d+):\s+([^\s:@]+)(?:@([^\s:]+))?:\s+<([^>]*)>(.*)$/;
const MAC = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2})+$/;

/** Parses `ip addr show` output into interfaces, in printed order. Unknown lines are ignored. */
export function parseIpAddr(text: string): Iface[] {
  const ifaces: Iface[] = [];
  for (const line of splitLines(text)) {
    const header = IFACE_HEADER.exec(line);
    if (header) {
      ifaces.push(parseHeader(header));
      continue;
    }
    const current = ifaces[ifaces.length - 1];
    if (!current) continue;
    const tokens = line.trim().split(/\s+/);
    const kind = tokens[0];
    if (kind.startsWith('link/')) {
      if (tokens[1] && MAC.test(tokens[1])) current.mac = tokens[1].toLowerCase();
    } else if (kind === 'inet' || kind === 'inet6') {
      const addr = parseInet(tokens, kind === 'inet' ? 32 : 128);
      if (addr) current[kind].push(addr);
    }
  }
  return ifaces;
}

/**
 * Why `ip addr show` output cannot be read, or undefined. Every network namespace has `lo`, so
 * an output without one interface header is not an empty state; nor is text before the first
 * header (an error message) or a numbered line that is not an interface header; nor an `inet`
 * line whose address or prefix is not one (quoted, never dropped).
 */
export function ipAddrProblem(text: string): string | undefined {
  const lines = splitLines(text).filter((line) => line.trim() !== '');
  if (lines.length === 0) return 'no interface at all (every network namespace has lo)';
  const first = lines.findIndex((line) => IFACE_HEADER.test(line));
  if (first < 0) return 'no interface header (N: NAME: <FLAGS> ...)';
  if (first > 0) return `text before the first interface: ${JSON.stringify(lines[0].trim())}`;
  const odd = lines.find((line) => /^\d+:/.test(line) && !IFACE_HEADER.test(line));
  if (odd) return `a numbered line that is not an interface header: ${JSON.stringify(odd.trim())}`;
  const badInet = lines.find((line) => inetProblem(line.trim().split(/\s+/)));
  if (badInet) return `${inetProblem(badInet.trim().split(/\s+/))}: ${JSON.stringify(badInet.trim())}`;
  return undefined;
}

/**
 * Why an `inet`/`inet6` line is not what ip prints, or undefined (another line): an inet address
 * is dotted IPv4 with a prefix 0..32 (inet6: hex with colons, 0..128); never dropped silently.
 */
function inetProblem(tokens: string[]): string | undefined {
  const kind = tokens[0];
  if (kind !== 'inet' && kind !== 'inet6') return undefined;
  const [address, prefixText, ...more] = (tokens[1] ?? '').split('/');
  const max = kind === 'inet' ? 32 : 128;
  if (!address || more.length) return `an ${kind} line without an address`;
  if (kind === 'inet' ? !isIPv4(address) : !/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) return `an ${kind} address that is not one: ${JSON.stringify(address)}`;
  if (prefixText !== undefined && (!/^\d+$/.test(prefixText) || Number(prefixText) > max)) return `an ${kind} prefix out of range 0..${max}: ${JSON.stringify(prefixText)}`;
  return undefined;
}

/** Finds an interface by name (`pvbr0`), also accepting the full `name@peer` form. */
export function findIface(ifaces: Iface[], name: string): Iface | undefined {
  return ifaces.find((iface) => iface.name === name || (iface.peer !== undefined && `${iface.name}@${iface.peer}` === name));
}

function parseHeader(match: RegExpExecArray): Iface {
  const [, index, name, peer, flags, rest] = match;
  const iface: Iface = {
    index: Number(index),
    name,
    flags: flags.split(',').filter((flag) => flag !== ''),
    inet: [],
    inet6: [],
  };
  if (peer !== undefined) iface.peer = peer;
  const tokens = rest.trim().split(/\s+/);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const value = tokens[i + 1];
    if (tokens[i] === 'mtu' && /^\d+$/.test(value)) iface.mtu = Number(value);
    else if (tokens[i] === 'master') iface.master = value;
    else if (tokens[i] === 'state') iface.state = value;
  }
  return iface;
}

/** `inet 10.0.5.1/24 brd 10.0.5.255 scope global pvbr0` → InetAddr (tokens already split). */
function parseInet(tokens: string[], defaultPrefix: number): InetAddr | undefined {
  const [address, prefixText] = (tokens[1] ?? '').split('/');
  if (!address) return undefined;
  const prefix = prefixText === undefined ? defaultPrefix : Number(prefixText);
  if (!Number.isInteger(prefix)) return undefined;
  const addr: InetAddr = { address, prefix, cidr: `${address}/${prefix}` };
  for (let i = 2; i + 1 < tokens.length; i++) {
    if (tokens[i] === 'brd') addr.broadcast = tokens[i + 1];
    else if (tokens[i] === 'scope') addr.scope = tokens[i + 1];
  }
  return addr;
}
