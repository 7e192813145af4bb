/**
 * Pantavisor pvrexport archives (a gzip tar with a top-level `json`, the state, and
 * `objects/<sha256>` blobs; facts §8), as data. The tar and gzip work is the system `tar`'s
 * (lib/run/pvrexport-files.ts); these functions judge what it listed and extracted.
 */
import { type BoundedJson, parseJsonBounded } from './parse/json-bounded.ts';

export const SHA_RE = /^[0-9a-f]{64}$/;

export type State = Record<string, unknown>;

/** State keys whose value is an object reference (a 64-hex sha256), with that sha. */
export function objectRefs(state: State): [key: string, sha: string][] {
  return Object.entries(state).filter((e): e is [string, string] => typeof e[1] === 'string' && SHA_RE.test(e[1]));
}

/** Container names, from state keys `<name>/run.json` (state-key order). */
export function containerNames(state: State): string[] {
  return Object.keys(state)
    .map((k) => /^([^/]+)\/run\.json$/.exec(k)?.[1])
    .filter((n): n is string => !!n && n !== '_sigs' && n !== '_config');
}

/**
 * The first problem that would make pvtx refuse the export, or undefined. `entries` is what
 * `tar -tzf` listed, `jsonText` the `json` entry, `objectSha` the sha256 of each extracted
 * `objects/<name>` file (undefined when absent).
 */
export function exportProblem(
  entries: string[],
  jsonText: string | undefined,
  objectSha: (name: string) => string | undefined,
  parsed: BoundedJson | undefined = jsonText === undefined ? undefined : parseJsonBounded(jsonText, { bytes: Infinity }),
): string | undefined {
  if (!entries.includes('json')) {
    const near = entries.find((e) => e.replace(/^(\.\/)+|^\/+/, '') === 'json');
    if (near) return `its state entry is named '${near}'; pvtx needs exactly 'json' (no './' prefix)`;
    return `no 'json' entry (entries: ${entries.slice(0, 5).join(', ') || 'none'}${entries.length > 5 ? ', ...' : ''})`;
  }
  if (jsonText === undefined) return `its 'json' entry could not be read`;
  // parsed once, by the caller when it has (bounded: lib/parse/json-bounded.ts)
  if (!parsed || 'problem' in parsed) return `its 'json' entry is ${parsed?.problem ?? 'not valid JSON'}`;
  const state = parsed.value;
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return `its 'json' entry is not a JSON object`;
  for (const [key, sha] of objectRefs(state as State)) {
    const actual = objectSha(sha);
    if (actual === undefined) return `state key '${key}' names objects/${sha.slice(0, 12)}…, which is missing`;
    if (actual !== sha) return `objects/${sha.slice(0, 12)}… (${key}) has sha256 ${actual.slice(0, 12)}…: corrupt`;
  }
  return undefined;
}

/** One line for a `tar -tzf` failure, from its stderr. */
export function tarFailure(stderr: string): string {
  if (/not in gzip format/i.test(stderr)) return 'not a gzip file';
  if (/unexpected end of file|unexpected EOF|invalid compressed data|crc error|length error/i.test(stderr)) return 'truncated or corrupt (unexpected end of the gzip/tar data)';
  if (/does not look like a tar archive/i.test(stderr)) return 'a gzip file, but not a tar archive';
  const last = stderr.trim().split('\n').filter(Boolean).pop();
  return last ? `tar cannot read it: ${last}` : 'tar cannot read it';
}

/** One member of the archive as `tar -tvzf` lists it: its type letter, size in bytes and name. */
export interface TarMember {
  type: string;
  size: number;
  name: string;
}

/**
 * Caps on a pvrexport's members (README "Input bounds"): the largest real export today is about
 * 3 MB in all, so these only stop what would exhaust the machine (a 600 MB `json`, a sparse
 * 3 GB object) before anything is extracted or read.
 */
export const PVREXPORT_CAPS = { json: 64 * 2 ** 20, object: 512 * 2 ** 20, total: 2 * 2 ** 30, members: 100_000 };

const KINDS: Record<string, string> = { l: 'a symbolic link', h: 'a hard link', p: 'a FIFO', c: 'a character device', b: 'a block device', d: 'a directory' };

/** GNU or busybox `tar -tv` lines; a line it cannot read makes the whole listing undefined. */
export function parseTarListing(text: string): TarMember[] | undefined {
  const members: TarMember[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /^(\S)\S*\s+\S+\s+(\d+|\d+,\s*\d+)\s+\d{4}-\d\d-\d\d\s+\d\d:\d\d(?::\d\d)?\s(.*)$/.exec(line);
    if (!m) return undefined;
    let name = m[3];
    if (m[1] === 'l') name = name.replace(/ -> .*$/, '');
    if (m[1] === 'h') name = name.replace(/ link to .*$/, '');
    members.push({ type: m[1], size: /,/.test(m[2]) ? 0 : Number(m[2]), name });
  }
  return members;
}

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;

/**
 * The first member pvtx must not be given (or the checker must not extract), or undefined: only
 * regular files (and the directories holding them) inside the archive, within the caps.
 */
export function memberProblem(members: TarMember[], caps = PVREXPORT_CAPS): string | undefined {
  if (members.length > caps.members) return `${members.length} members, over the ${caps.members} a pvrexport may have`;
  let total = 0;
  for (const m of members) {
    const bare = m.name.replace(/^(\.\/)+/, '').replace(/\/$/, '');
    if (m.name.startsWith('/') || bare.split('/').includes('..')) return `member '${m.name}' points outside the archive`;
    const isObject = /^objects\/[^/]+$/.test(bare);
    if (m.type === 'd') {
      if (bare === 'json' || isObject) return `member '${bare}' is a directory, not a file`;
      continue;
    }
    if (m.type !== '-' && m.type !== '0') return `member '${m.name}' is ${KINDS[m.type] ?? 'a special file'}; a pvrexport holds regular files only`;
    if (bare === 'json' && m.size > caps.json) return `its 'json' entry is ${mb(m.size)}, over the ${mb(caps.json)} cap`;
    if (isObject && m.size > caps.object) return `${bare.slice(0, 20)}… is ${mb(m.size)}, over the ${mb(caps.object)} cap for one object`;
    total += m.size;
    if (total > caps.total) return `its members add up to over ${mb(caps.total)}, the cap for one pvrexport`;
  }
  return undefined;
}
