/**
 * Parser for `nft list ruleset` text output (also `nft -a list ruleset`).
 *
 * Pantavisor's setup_nat (nftables) adds to `table ip nat`, chain `postrouting`
 * (`type nat hook postrouting priority srcnat; policy accept;`) the rule
 * `ip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade`, once per launch, so
 * duplicates are kept. iptables-nft tables (chain `POSTROUTING`, `counter
 * packets 0 bytes 0`, `xt target "MASQUERADE"`) are parsed the same way.
 * Named sets keep their elements (a rule may match `ip saddr @name`); maps, flowtables and
 * other table-level blocks are skipped. `nft -j list ruleset` (JSON) is read into the same shape.
 */
import { splitLines } from './lines.ts';
import { intervalsOf, type SourceMatch } from '../source-match.ts';
import { readNftJson } from './nft-json.ts';

export type { NftChain, NftRead, NftTable } from './nft-ruleset.ts';
import type { NftChain, NftRead, NftTable } from './nft-ruleset.ts';

/** A masquerade rule found in a chain, with the matches pantavisor uses pulled out. */
export interface MasqueradeRule {
  family: string;
  table: string;
  chain: string;
  saddr?: string;
  oifname?: string;
  oifnameNot?: string;
  iifname?: string;
  /** what the rule's source match selects (lib/source-match.ts) */
  source: SourceMatch;
  raw: string;
}

/** Parses `nft list ruleset` into tables. Empty output → []. Never throws. */
export function parseNftRuleset(text: string): NftTable[] {
  return readNftRuleset(text).tables;
}

/**
 * Reads `nft list ruleset` (text, or `nft -j` JSON). Empty output is an empty ruleset (nft
 * prints nothing then). Text outside a `table ... { }` block (an error message such as
 * `netlink: Error: ...` or `sh: nft: not found`) or a ruleset cut inside a block is a problem:
 * never "no rules".
 */
export function readNftRuleset(text: string): NftRead {
  if (/^\s*[{[]/.test(text)) return readNftJson(text);
  const tables: NftTable[] = [];
  let table: NftTable | undefined;
  let chain: NftChain | undefined;
  let skipDepth = 0; // > 0 while inside a block we do not model (map, flowtable, ...)
  let pendingRule = ''; // a rule whose braces are not balanced yet (multi-line anonymous set)
  let set: { name: string; text: string } | undefined; // a named set being read
  let problem: string | undefined;

  for (const rawLine of splitLines(text)) {
    const line = stripHandleComment(rawLine.trim());
    if (line === '' || line.startsWith('#')) continue;
    const depthChange = braceBalance(line);

    if (skipDepth > 0) {
      skipDepth += depthChange;
      if (set) {
        set.text += ' ' + line;
        if (skipDepth === 0) {
          table!.sets = { ...table!.sets, [set.name]: setElements(set.text) };
          set = undefined;
        }
      }
      continue;
    }
    if (pendingRule !== '') {
      pendingRule += ' ' + line;
      if (braceBalance(pendingRule) <= 0) {
        chain?.rules.push(pendingRule);
        pendingRule = '';
      }
      continue;
    }
    if (!table) {
      const match = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(line);
      if (match) {
        table = { family: match[1], name: match[2], chains: [] };
        tables.push(table);
      } else {
        problem ??= `text outside a table block: ${JSON.stringify(line)}`;
        if (depthChange > 0) skipDepth = depthChange;
      }
      continue;
    }
    if (!chain) {
      const match = /^chain\s+(\S+)\s*\{$/.exec(line);
      if (match) {
        chain = { name: unquote(match[1]), rules: [] };
        table.chains.push(chain);
      } else if (line === '}') {
        table = undefined;
      } else if (depthChange > 0) {
        const named = /^set\s+(\S+)\s*\{$/.exec(line);
        if (named) set = { name: unquote(named[1]), text: '' };
        skipDepth = depthChange;
      }
      continue;
    }
    if (line === '}') {
      chain = undefined;
    } else if (/^type\s+\S+\s+hook\s/.test(line)) {
      applyChainHeader(chain, line);
    } else if (/^policy\s+\w+\s*;?$/.test(line)) {
      chain.policy = /^policy\s+(\w+)/.exec(line)?.[1];
    } else if (/^(comment|devices)\s/.test(line)) {
      // chain attributes, not rules
    } else if (depthChange > 0) {
      pendingRule = line;
    } else {
      chain.rules.push(line);
    }
  }
  if (table || skipDepth > 0 || pendingRule !== '') problem ??= 'the ruleset ends inside a block (cut short?)';
  return problem ? { tables, problem } : { tables };
}

/** `type ipv4_addr flags interval elements = { 10.9.0.0/16, 192.0.2.0/24 }` → the elements (first word of each). */
function setElements(text: string): string[] {
  const m = /\belements\s*=\s*\{([^}]*)\}/.exec(text);
  if (!m) return [];
  return m[1].split(',').map((e) => e.trim().split(/\s+/)[0]).filter((e) => e !== '');
}

/** Lists every rule with a `masquerade` statement or an `xt target "MASQUERADE"`, duplicates included. */
export function findMasqueradeRules(tables: NftTable[]): MasqueradeRule[] {
  const found: MasqueradeRule[] = [];
  for (const table of tables) {
    for (const chain of table.chains) {
      for (const raw of chain.rules) {
        if (!isMasquerade(raw)) continue;
        const rule: MasqueradeRule = { family: table.family, table: table.name, chain: chain.name, raw, source: sourceMatch(table, raw) };
        const saddr = /\bip6?\s+saddr\s+(?!!=)(\S+)/.exec(raw);
        if (saddr) rule.saddr = saddr[1];
        const oif = /\boifname\s+(!=\s+)?("[^"]*"|\S+)/.exec(raw);
        if (oif) rule[oif[1] ? 'oifnameNot' : 'oifname'] = unquote(oif[2]);
        const iif = /\biifname\s+(?!!=)("[^"]*"|\S+)/.exec(raw);
        if (iif) rule.iifname = unquote(iif[1]);
        found.push(rule);
      }
    }
  }
  return found;
}

/**
 * What a rule's source match selects: no `saddr` match is any source (in an `ip6` table, no
 * IPv4 packet); `ip saddr [!=] X` with X an address, prefix, range, `{ anonymous set }` or
 * `@named` set; `ip6 saddr` selects no IPv4 packet. Anything else (two source matches, a
 * concatenation, a variable, an unknown set) is `unknown`, quoted.
 */
export function sourceMatch(table: NftTable, rule: string): SourceMatch {
  const text = withoutQuotedStrings(rule);
  const matches = [...text.matchAll(/\b(ip6?)\s+saddr\b/g)];
  if (matches.length === 0) return table.family === 'ip6' ? { kind: 'not-ipv4' } : { kind: 'any' };
  if (matches.length > 1) return { kind: 'unknown', text: rule };
  if (matches[0][1] === 'ip6' || table.family === 'ip6') return { kind: 'not-ipv4' };
  const m = /\bip\s+saddr\s+(!=\s+|==\s+)?(\{[^}]*\}|@\S+|[^\s{}.]+(?:\.[^\s{}.]+)*)(\s+\.)?/.exec(text);
  if (!m || m[3]) return { kind: 'unknown', text: rule };
  const negated = !!m[1] && m[1].startsWith('!=');
  const value = m[2];
  let items: string[];
  if (value.startsWith('{')) items = value.slice(1, -1).split(',').map((e) => e.trim()).filter((e) => e !== '');
  else if (value.startsWith('@')) {
    const elements = table.sets?.[value.slice(1)];
    if (!elements) return { kind: 'unknown', text: rule };
    items = elements;
  } else items = [value];
  const intervals = intervalsOf(items);
  if (typeof intervals === 'string') return { kind: 'unknown', text: rule };
  return { kind: 'ipv4', negated, intervals };
}

/** True when the rule's statements (outside quoted strings) include masquerade. */
function isMasquerade(rule: string): boolean {
  if (/\bxt\s+target\s+"?MASQUERADE"?(\s|$)/.test(rule)) return true;
  return /(^|\s)masquerade(\s|$)/.test(withoutQuotedStrings(rule));
}

/** `type nat hook postrouting priority srcnat; policy accept;` → fields of the chain. */
function applyChainHeader(chain: NftChain, line: string): void {
  for (const part of line.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const type = /^type\s+(\S+)\s+hook\s+(\S+)(?:\s+device\s+\S+)?(?:\s+priority\s+(.+))?$/.exec(part);
    if (type) {
      chain.type = type[1];
      chain.hook = type[2];
      if (type[3] !== undefined) chain.priority = type[3].trim();
      continue;
    }
    const policy = /^policy\s+(\S+)$/.exec(part);
    if (policy) chain.policy = policy[1];
  }
}

/** Net count of `{` minus `}` outside double-quoted strings. */
function braceBalance(line: string): number {
  let balance = 0;
  for (const ch of withoutQuotedStrings(line)) {
    if (ch === '{') balance++;
    else if (ch === '}') balance--;
  }
  return balance;
}

function withoutQuotedStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/** Drops the ` # handle N` suffix printed by `nft -a`. */
function stripHandleComment(line: string): string {
  return line.replace(/\s*#\s*handle\s+\d+\s*$/, '');
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
