/**
 * Reader for `nft -j list ruleset` (libnftables JSON): tables, chains, named sets and rules,
 * each rule written back as the text `nft list ruleset` prints for it (`ip saddr 10.0.5.0/24
 * oifname != "pvbr0" masquerade`), so that every check reads one shape whichever the target prints.
 */
import { parseJsonBounded } from './json-bounded.ts';
import type { NftChain, NftRead, NftTable } from './nft-ruleset.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The names nft prints for the standard priorities. */
const PRIORITY_NAMES: Record<string, string> = { '-300': 'raw', '-150': 'mangle', '-100': 'dstnat', '0': 'filter', '50': 'security', '100': 'srcnat' };

/** meta keys nft prints without `meta` */
const BARE_META = new Set(['iifname', 'oifname', 'iif', 'oif', 'mark', 'nfproto', 'l4proto', 'iiftype', 'oiftype']);

/** An item's fields that must be strings (when `optional`, only when present), or the first that is not, quoted. */
function notStrings(o: Obj, keys: string[], optional: string[] = []): string | undefined {
  for (const k of [...keys, ...optional]) {
    if (!(k in o) && optional.includes(k)) continue;
    if (typeof o[k] !== 'string') return `"${k}" is not a string: ${JSON.stringify(o[k] ?? null).slice(0, 80)}`;
  }
  return undefined;
}

/**
 * The ruleset in libnftables JSON: `{"nftables": [ITEM, ...]}`, each item an object; a table
 * with string family and name; a chain with string family, table and name (type, hook, policy
 * strings, prio a number or string, when present); a set with a string name (elem an array when
 * present); a rule with string family, table and chain, an `expr` array and a string comment when
 * present. Other items (metainfo, ...) are not read. A field of another type is not understood
 * (`problem`, quoted): never read as absent.
 */
export function readNftJson(text: string): NftRead {
  const parsed = parseJsonBounded(text);
  if ('problem' in parsed) return { tables: [], problem: `not JSON nft prints: ${parsed.problem}` };
  const doc = parsed.value as Json;
  if (!isObj(doc) || !Array.isArray(doc.nftables)) return { tables: [], problem: 'JSON without an "nftables" array' };
  const tables: NftTable[] = [];
  const tableOf = (family: Json, name: Json) => tables.find((t) => t.family === family && t.name === name);
  const odd = (what: string, why: string, item: Json) => ({ tables, problem: `${what} ${why}: ${JSON.stringify(item).slice(0, 120)}` });
  for (const item of doc.nftables) {
    if (!isObj(item)) return odd('an item', 'that is not an object', item);
    if ('table' in item) {
      const t = item.table;
      if (!isObj(t)) return odd('a table', 'that is not an object', item);
      const why = notStrings(t, ['family', 'name']);
      if (why) return odd('a table', why, item);
      tables.push({ family: t.family as string, name: t.name as string, chains: [] });
    } else if ('chain' in item) {
      const c = item.chain;
      if (!isObj(c)) return odd('a chain', 'that is not an object', item);
      const why = notStrings(c, ['family', 'table', 'name'], ['type', 'hook', 'policy']) ??
        (c.prio !== undefined && typeof c.prio !== 'number' && typeof c.prio !== 'string' ? `"prio" is not a number: ${JSON.stringify(c.prio)}` : undefined);
      if (why) return odd('a chain', why, item);
      const t = tableOf(c.family, c.table);
      if (!t) return { tables, problem: `a chain of an unknown table: ${JSON.stringify(item).slice(0, 120)}` };
      const chain: NftChain = { name: c.name as string, rules: [] };
      if (c.type !== undefined) chain.type = c.type as string;
      if (c.hook !== undefined) chain.hook = c.hook as string;
      if (c.prio !== undefined) chain.priority = PRIORITY_NAMES[String(c.prio)] ?? String(c.prio);
      if (c.policy !== undefined) chain.policy = c.policy as string;
      t.chains.push(chain);
    } else if ('set' in item) {
      const st = item.set;
      if (!isObj(st)) return odd('a set', 'that is not an object', item);
      const why = notStrings(st, ['name']) ?? (st.elem !== undefined && !Array.isArray(st.elem) ? `"elem" is not an array: ${JSON.stringify(st.elem).slice(0, 80)}` : undefined);
      if (why) return odd('a set', why, item);
      const t = tableOf(st.family, st.table);
      if (t) t.sets = { ...t.sets, [st.name as string]: ((st.elem as Json[] | undefined) ?? []).map((x) => value(x)) };
    } else if ('rule' in item) {
      const r = item.rule;
      if (!isObj(r)) return odd('a rule', 'that is not an object', item);
      const why = notStrings(r, ['family', 'table', 'chain'], ['comment']) ?? (!Array.isArray(r.expr) ? `"expr" is not an array: ${JSON.stringify(r.expr ?? null).slice(0, 80)}` : undefined);
      if (why) return odd('a rule', why, item);
      const chain = tableOf(r.family, r.table)?.chains.find((c) => c.name === r.chain);
      if (!chain) return { tables, problem: `a rule of an unknown chain: ${JSON.stringify(item).slice(0, 120)}` };
      const parts = (r.expr as Json[]).map(statement);
      if (typeof r.comment === 'string') parts.push(`comment "${r.comment}"`);
      chain.rules.push(parts.join(' '));
    }
  }
  return { tables };
}

function statement(e: Json): string {
  if (!isObj(e)) return JSON.stringify(e);
  const [key, v] = Object.entries(e)[0] ?? ['', null];
  switch (key) {
    case 'match': {
      if (!isObj(v)) return JSON.stringify(e);
      const left = operand(v.left);
      const op = v.op === '==' || v.op === 'in' || v.op === undefined ? '' : `${v.op} `;
      const quoted = isObj(v.left) && isObj(v.left.meta) && /name$/.test(String(v.left.meta.key));
      return `${left} ${op}${value(v.right as Json, quoted)}`;
    }
    case 'counter':
      return isObj(v) ? `counter packets ${v.packets ?? 0} bytes ${v.bytes ?? 0}` : 'counter';
    case 'masquerade':
      return isObj(v) && v.flags !== undefined ? `masquerade ${[v.flags].flat().join(',')}` : 'masquerade';
    case 'jump':
    case 'goto':
      return `${key} ${isObj(v) ? v.target : v}`;
    case 'xt':
      return isObj(v) ? `xt ${v.type ?? 'target'} "${v.name}"` : 'xt';
    case 'snat':
    case 'dnat':
      return isObj(v) && v.addr !== undefined ? `${key} to ${value(v.addr)}` : key;
    default:
      return v === null ? key : `${key} ${JSON.stringify(v)}`;
  }
}

function operand(v: Json | undefined): string {
  if (!isObj(v)) return value(v ?? null);
  if (isObj(v.payload)) return `${v.payload.protocol} ${v.payload.field}`;
  if (isObj(v.meta)) return BARE_META.has(String(v.meta.key)) ? String(v.meta.key) : `meta ${v.meta.key}`;
  if (isObj(v.ct)) return `ct ${v.ct.key}`;
  return JSON.stringify(v);
}

/** A value as nft prints it: `10.0.5.0/24`, `10.0.5.2-10.0.5.9`, `{ a, b }`, `@set`, `"pvbr0"` (names). */
function value(v: Json, quoted = false): string {
  if (typeof v === 'string') return quoted && !v.startsWith('@') ? `"${v}"` : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return v.map((x) => value(x, quoted)).join(',');
  if (isObj(v.prefix)) return `${v.prefix.addr}/${v.prefix.len}`;
  if (Array.isArray(v.range)) return `${value(v.range[0])}-${value(v.range[1])}`;
  if (Array.isArray(v.set)) return `{ ${v.set.map((x) => value(x, quoted)).join(', ')} }`;
  if (isObj(v.elem)) return value(v.elem.val ?? null, quoted);
  return JSON.stringify(v);
}
