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

export interface Count { eq?: number; ge?: number; le?: number }

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
  if (p.regex !== undefined && !re(p.regex).test(line.message)) return false;
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
 * The patterns match lines in this order; other lines may come between them.
 * Greedy earliest match is optimal for subsequence matching.
 */
export function orderedSubsequence(lines: PvLogLine[], patterns: LogPattern[]): OrderedResult {
  const matched: PvLogLine[] = [];
  let from = 0;
  for (let i = 0; i < patterns.length; i++) {
    let found = -1;
    for (let j = from; j < lines.length; j++) {
      if (lineMatches(lines[j], patterns[i])) { found = j; break; }
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
