/**
 * What a NAT rule's source match covers of a pool, judged on addresses, not on text: a rule
 * with no source match covers every pool; `10.0.0.0/16`, a range, a set holding the pool or
 * `!= 10.0.6.0/24` cover 10.0.5.0/24 as `10.0.5.0/24` itself does.
 */
import { type Ipv4Interval, ipv4Interval, parseSubnet } from './ip.ts';

/**
 * A rule's source match: any source, IPv4 intervals (possibly negated), a match that selects
 * no IPv4 packet (an IPv6 rule), or one the toolkit does not understand (quoted).
 */
export type SourceMatch =
  | { kind: 'any' }
  | { kind: 'ipv4'; negated: boolean; intervals: Ipv4Interval[] }
  | { kind: 'not-ipv4' }
  | { kind: 'unknown'; text: string };

/** `all`: every address of the pool; `part`: some; `none`; `unknown`: the match was not understood. */
export type Coverage = 'all' | 'part' | 'none' | 'unknown';

/** The intervals of a list of address texts (`10.0.5.0/24`, `10.0.5.2-10.0.5.9`, ...), or the first it cannot read. */
export function intervalsOf(items: string[]): Ipv4Interval[] | string {
  const out: Ipv4Interval[] = [];
  for (const item of items) {
    const i = ipv4Interval(item);
    if (!i) return item;
    out.push(i);
  }
  return out;
}

/** How much of `subnet` (a pool's CIDR) the source match selects. */
export function coverage(match: SourceMatch, subnet: string): Coverage {
  if (match.kind === 'any') return 'all';
  if (match.kind === 'not-ipv4') return 'none';
  if (match.kind === 'unknown') return 'unknown';
  const range = parseSubnet(subnet);
  const pool: Ipv4Interval = [range.getFirst().getValue(), range.getLast().getValue()];
  const inside = coveredCount(match.intervals, pool);
  const size = pool[1] - pool[0] + 1n;
  const selected = match.negated ? size - inside : inside;
  return selected === 0n ? 'none' : selected === size ? 'all' : 'part';
}

/** How many addresses of `pool` the (possibly overlapping) intervals hold. */
function coveredCount(intervals: Ipv4Interval[], pool: Ipv4Interval): bigint {
  const clipped = intervals
    .map(([a, b]): Ipv4Interval => [a > pool[0] ? a : pool[0], b < pool[1] ? b : pool[1]])
    .filter(([a, b]) => a <= b)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let count = 0n;
  let end = -1n;
  for (const [a, b] of clipped) {
    const start = a > end ? a : end + 1n;
    if (b >= start) count += b - start + 1n;
    if (b > end) end = b;
  }
  return count;
}

/**
 * The NAT rules that apply to a pool: those whose source match selects any of its addresses
 * (all of them without a subnet); `partial` those selecting only some (a pool is NATed whole
 * or not at all, so a partial rule fails any check of it); `unknown` those not understood.
 */
export function rulesForPool<R extends { source: SourceMatch }>(rules: R[], subnet?: string): { matching: R[]; partial: R[]; unknown: R[] } {
  if (subnet === undefined) return { matching: rules, partial: [], unknown: [] };
  const c = rules.map((r) => ({ r, c: coverage(r.source, subnet) }));
  return {
    matching: c.filter((x) => x.c === 'all' || x.c === 'part').map((x) => x.r),
    partial: c.filter((x) => x.c === 'part').map((x) => x.r),
    unknown: c.filter((x) => x.c === 'unknown').map((x) => x.r),
  };
}
