/**
 * Matchers over parsed pantavisor.log lines: contains, absent, count, ordered subsequence.
 * A pattern names the fields of the real line format (level, module, function) and the
 * message as a literal substring (`text`) or a regular expression (`regex`).
 */
import type { PvLogLine } from './parse/pv-log.ts';

export interface LogPattern {
  level?: string;
  module?: string;
  function?: string;
  /** literal substring of the message */
  text?: string;
  /** regular expression tested against the message (unanchored unless it anchors itself) */
  regex?: string;
}

export interface Count {
  eq?: number;
  ge?: number;
  le?: number;
}

/**
 * User regexes are bounded (README "Input bounds"): a pattern whose matching can take
 * exponential time is refused when the plan loads (regexRisk), and a regex is tested against
 * at most the first REGEX_MESSAGE_CAP characters of a message, so a polynomial one stays bounded.
 */
export const REGEX_SOURCE_CAP = 1000;
export const REGEX_MESSAGE_CAP = 1024;

/**
 * Why a regex may backtrack catastrophically, or undefined: a repeated group (`*`, `+`, `{n,}`,
 * `{n,m}` with m > 1) holding a quantifier or an alternation, as in `(a+)+`, `(.*)*`, `(a|ab)*`
 * or `(\w+\s?){2,}`; or a source over REGEX_SOURCE_CAP characters. Conservative by design: a
 * pattern refused here can be rewritten without the nesting (e.g. `(\d+\.){3}` as `\d+\.\d+\.\d+\.`).
 */
export function regexRisk(source: string): string | undefined {
  if (source.length > REGEX_SOURCE_CAP) return `over ${REGEX_SOURCE_CAP} characters`;
  // per open group: whether it holds a quantifier or an alternation
  const groups: boolean[] = [];
  let closed = false; // the character before is a group that holds one
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const quant = /^(?:[*+]|\{\d*,\d*\}|\{\d+\})/.exec(source.slice(i))?.[0];
    if (quant) {
      const m = /^\{(\d*)(,?)(\d*)\}$/.exec(quant);
      const repeats = !m || (m[2] === ',' ? m[3] === '' || Number(m[3]) > 1 : Number(m[1]) > 1);
      if (closed && repeats) return 'a repeated group holds a quantifier or an alternation (as in (a+)+ or (a|ab)*): it can backtrack for minutes; write it without the nesting';
      if (groups.length) groups[groups.length - 1] = true;
      closed = false;
      i += quant.length - 1;
      continue;
    }
    closed = false;
    if (c === '\\') i++;
    else if (c === '[') {
      // a character class: skip to its end
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') groups.push(false);
    else if (c === ')') {
      closed = groups.pop() ?? false;
      if (closed && groups.length) groups[groups.length - 1] = true;
    } else if (c === '|' && groups.length) groups[groups.length - 1] = true;
  }
  return undefined;
}

const compiled = new Map<string, RegExp>();
function re(source: string): RegExp {
  let r = compiled.get(source);
  if (!r) {
    r = new RegExp(source);
    compiled.set(source, r);
  }
  return r;
}

export function lineMatches(line: PvLogLine, p: LogPattern): boolean {
  if (p.level !== undefined && line.level !== p.level) return false;
  if (p.module !== undefined && line.module !== p.module) return false;
  if (p.function !== undefined && line.function !== p.function) return false;
  if (p.text !== undefined && !line.message.includes(p.text)) return false;
  if (p.regex !== undefined && !re(p.regex).test(line.message.length > REGEX_MESSAGE_CAP ? line.message.slice(0, REGEX_MESSAGE_CAP) : line.message)) return false;
  return true;
}

export function findLines(lines: PvLogLine[], p: LogPattern): PvLogLine[] {
  return lines.filter((l) => lineMatches(l, p));
}

export function countSatisfied(n: number, c: Count): boolean {
  if (c.eq !== undefined && n !== c.eq) return false;
  if (c.ge !== undefined && n < c.ge) return false;
  if (c.le !== undefined && n > c.le) return false;
  return true;
}

export function describeCount(c: Count): string {
  const parts: string[] = [];
  if (c.eq !== undefined) parts.push(`exactly ${c.eq}`);
  if (c.ge !== undefined) parts.push(`at least ${c.ge}`);
  if (c.le !== undefined) parts.push(`at most ${c.le}`);
  return parts.join(' and ') || 'any number of';
}

/** Renders a pattern the way the plan writes log lines: `ERROR [platforms] pv_platform_start: "text"`. */
export function describePattern(p: LogPattern): string {
  const head = [p.level, p.module ? `[${p.module}]` : undefined, p.function ? `${p.function}:` : undefined]
    .filter(Boolean)
    .join(' ');
  const body = p.text !== undefined ? `"${p.text}"` : p.regex !== undefined ? `/${p.regex}/` : '(any message)';
  return head ? `${head} ${body}` : body;
}

export interface OrderedResult {
  ok: boolean;
  /** the line matched for each pattern, in order, up to the first one not found */
  matched: PvLogLine[];
  /** index of the first pattern with no match after the previous one */
  missingIndex?: number;
  /** for a missing pattern: whether it occurs anywhere in the log (i.e. only the order is wrong) */
  missingOccursEarlier?: boolean;
}

/**
 * Splits a log into pantavisor launches. pv-appengine relaunches pantavisor after a refused
 * revision and the file is appended to (facts §7.3), so each launch starts again with
 * `[logserver]: starting logserver loop` (or, failing that, `initialized pantavisor logs`).
 */
export function splitLaunches(lines: PvLogLine[]): PvLogLine[][] {
  const marker = (l: PvLogLine) => l.module === 'logserver' && l.message.startsWith('starting logserver loop');
  const fallback = (l: PvLogLine) => l.module === 'log' && l.message.startsWith('initialized pantavisor logs');
  const starts = lines.some(marker) ? marker : fallback;
  const launches: PvLogLine[][] = [];
  let cur: PvLogLine[] = [];
  for (const l of lines) {
    if (starts(l) && cur.length) {
      launches.push(cur);
      cur = [];
    }
    cur.push(l);
  }
  if (cur.length || !launches.length) launches.push(cur);
  return launches;
}

/**
 * The patterns match lines in this order within ONE pantavisor launch; other lines may come
 * between them. (Across relaunches a repeated sequence would let any order match.)
 */
export function orderedWithinLaunch(lines: PvLogLine[], patterns: LogPattern[]): OrderedResult & { launches: number } {
  const launches = splitLaunches(lines);
  let best: OrderedResult | undefined;
  for (const launch of launches) {
    const r = orderedSubsequence(launch, patterns);
    if (r.ok) return { ...r, launches: launches.length };
    if (!best || r.matched.length > best.matched.length) best = r;
  }
  const missing = patterns[best!.missingIndex!];
  return { ...best!, missingOccursEarlier: findLines(lines, missing).length > 0, launches: launches.length };
}

/**
 * The patterns match lines in this order; other lines may come between them.
 * Greedy earliest match is optimal for subsequence matching.
 */
export function orderedSubsequence(lines: PvLogLine[], patterns: LogPattern[]): OrderedResult {
  const matched: PvLogLine[] = [];
  let from = 0;
  for (let i = 0; i < patterns.length; i++) {
    let found = -1;
    for (let j = from; j < lines.length; j++) {
      if (lineMatches(lines[j], patterns[i])) {
        found = j;
        break;
      }
    }
    if (found < 0) {
      return { ok: false, matched, missingIndex: i, missingOccursEarlier: findLines(lines, patterns[i]).length > 0 };
    }
    matched.push(lines[found]);
    from = found + 1;
  }
  return { ok: true, matched };
}

/** One line of a log as the plan prints it, for "actual" values in reports. */
export function shortLine(l: PvLogLine): string {
  const fn = l.function ? ` ${l.function}:` : '';
  return `#${l.lineNo} ${l.level} [${l.module}]${fn} ${l.message}`;
}
