/**
 * Parser for `iptables -t nat -S` (iptables-legacy and iptables-nft print the same): policy
 * lines `-P CHAIN POLICY` and rule lines `-A CHAIN <matches> -j TARGET`. Pantavisor's
 * iptables fallback adds `-A POSTROUTING -s 10.0.5.0/24 ! -o pvbr0 -j MASQUERADE` (facts §2,
 * observed §5).
 */
import { splitLines } from './lines.ts';
import { intervalsOf, type SourceMatch } from '../source-match.ts';

export interface IptablesRule {
  chain: string;
  /** the `-s` value as printed */
  sourceText?: string;
  outNot?: string;
  out?: string;
  target?: string;
  /** what `-s`/`! -s`/`--src-range` select; no source match selects every source */
  source: SourceMatch;
  raw: string;
}

/**
 * Why `iptables -t nat -S` output cannot be read, or undefined: it prints only `-P`, `-N` and
 * `-A` lines (comments such as iptables-nft's warning are tolerated); anything else, such as
 * an error message, is not an empty table.
 */
export function iptablesProblem(text: string): string | undefined {
  const odd = splitLines(text).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#') && !/^-[PNA]\s+\S/.test(l));
  return odd === undefined ? undefined : `a line that is not -P/-N/-A: ${JSON.stringify(odd)}`;
}

/** Rules (-A lines) in order; policies and anything else are skipped. Never throws. */
export function parseIptablesS(text: string): IptablesRule[] {
  const rules: IptablesRule[] = [];
  for (const line of splitLines(text).map((l) => l.trim())) {
    const words = line.split(/\s+/);
    if (words[0] !== '-A' || !words[1]) continue;
    const rule: IptablesRule = { chain: words[1], raw: line, source: { kind: 'any' } };
    let sources = 0;
    for (let i = 2; i < words.length; i++) {
      const neg = words[i] === '!';
      const w = neg ? words[++i] : words[i];
      const v = words[i + 1];
      if (w === '-s' || w === '--source' || w === '--src-range') {
        if (w !== '--src-range' && !neg) rule.sourceText = v;
        const intervals = intervalsOf((v ?? '').split(',').filter((x) => x !== ''));
        rule.source = ++sources > 1 || typeof intervals === 'string' || !intervals.length ? { kind: 'unknown', text: line } : { kind: 'ipv4', negated: neg, intervals };
        i++;
      } else if (w === '-o' || w === '--out-interface') {
        rule[neg ? 'outNot' : 'out'] = v;
        i++;
      } else if (w === '-j' || w === '--jump') {
        rule.target = v;
        i++;
      }
    }
    rules.push(rule);
  }
  return rules;
}
