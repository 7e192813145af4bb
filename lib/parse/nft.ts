/**
 * Parser for `nft list ruleset` text output (also `nft -a list ruleset`).
 *
 * Pantavisor's setup_nat (nftables) adds to `table ip nat`, chain `postrouting`
 * (`type nat hook postrouting priority srcnat; policy accept;`) the rule
 * `ip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade`, once per launch, so
 * duplicates are kept. iptables-nft tables (chain `POSTROUTING`, `counter
 * packets 0 bytes 0`, `xt target "MASQUERADE"`) are parsed the same way.
 * Sets, maps, flowtables and other table-level blocks are skipped.
 */
import { splitLines } from './lines.ts';

/** A chain: base-chain properties from its `type ... hook ... priority ...; policy ...;` line, and its rules in order. */
export interface NftChain {
  name: string;
  type?: string;
  hook?: string;
  priority?: string;
  policy?: string;
  rules: string[];
}

/** A table: `table <family> <name> { ... }`. */
export interface NftTable {
  family: string;
  name: string;
  chains: NftChain[];
}

/** A masquerade rule found in a chain, with the matches pantavisor uses pulled out. */
export interface MasqueradeRule {
  family: string;
  table: string;
  chain: string;
  saddr?: string;
  oifname?: string;
  oifnameNot?: string;
  iifname?: string;
  raw: string;
}

/** Parses `nft list ruleset` into tables. Empty output → []. Never throws. */
export function parseNftRuleset(text: string): NftTable[] {
  const tables: NftTable[] = [];
  let table: NftTable | undefined;
  let chain: NftChain | undefined;
  let skipDepth = 0; // > 0 while inside a block we do not model (set, map, flowtable, ...)
  let pendingRule = ''; // a rule whose braces are not balanced yet (multi-line anonymous set)

  for (const rawLine of splitLines(text)) {
    const line = stripHandleComment(rawLine.trim());
    if (line === '' || line.startsWith('#')) continue;
    const depthChange = braceBalance(line);

    if (skipDepth > 0) {
      skipDepth += depthChange;
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
      } else if (depthChange > 0) {
        skipDepth = depthChange;
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
  return tables;
}

/** Lists every rule with a `masquerade` statement or an `xt target "MASQUERADE"`, duplicates included. */
export function findMasqueradeRules(tables: NftTable[]): MasqueradeRule[] {
  const found: MasqueradeRule[] = [];
  for (const table of tables) {
    for (const chain of table.chains) {
      for (const raw of chain.rules) {
        if (!isMasquerade(raw)) continue;
        const rule: MasqueradeRule = { family: table.family, table: table.name, chain: chain.name, raw };
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
