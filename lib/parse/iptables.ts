/**
 * Parser for `iptables -t nat -S` (iptables-legacy and iptables-nft print the same): policy
 * lines `-P CHAIN POLICY` and rule lines `-A CHAIN <matches> -j TARGET`. Pantavisor's
 * iptables fallback adds `-A POSTROUTING -s 10.0.5.0/24 ! -o pvbr0 -j MASQUERADE` (facts §2,
 * observed §5).
 */
import { splitLines } from './lines.ts';

export interface IptablesRule {
  chain: string;
  source?: string;
  outNot?: string;
  out?: string;
  target?: string;
  raw: string;
}

/** Rules (-A lines) in order; policies and anything else are skipped. Never throws. */
export function parseIptablesS(text: string): IptablesRule[] {
  const rules: IptablesRule[] = [];
  for (const line of splitLines(text).map((l) => l.trim())) {
    const words = line.split(/\s+/);
    if (words[0] !== '-A' || !words[1]) continue;
    const rule: IptablesRule = { chain: words[1], raw: line };
    for (let i = 2; i < words.length; i++) {
      const neg = words[i] === '!';
      const w = neg ? words[++i] : words[i];
      const v = words[i + 1];
      if (w === '-s' || w === '--source') { if (!neg) rule.source = v; i++; }
      else if (w === '-o' || w === '--out-interface') { rule[neg ? 'outNot' : 'out'] = v; i++; }
      else if (w === '-j' || w === '--jump') { rule.target = v; i++; }
    }
    rules.push(rule);
  }
  return rules;
}
