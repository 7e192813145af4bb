/**
 * Pantavisor pvrexport archives (a gzip tar with a top-level `json`, the state, and
 * `objects/<sha256>` blobs; facts §8), as data. The tar and gzip work is the system `tar`'s
 * (scripts/shared/pvrexport-files.ts); these functions judge what it listed and extracted.
 */
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
export function exportProblem(entries: string[], jsonText: string | undefined, objectSha: (name: string) => string | undefined): string | undefined {
  if (!entries.includes('json')) {
    const near = entries.find((e) => e.replace(/^(\.\/)+|^\/+/, '') === 'json');
    if (near) return `its state entry is named '${near}'; pvtx needs exactly 'json' (no './' prefix)`;
    return `no 'json' entry (entries: ${entries.slice(0, 5).join(', ') || 'none'}${entries.length > 5 ? ', ...' : ''})`;
  }
  if (jsonText === undefined) return `its 'json' entry could not be read`;
  let state: unknown;
  try {
    state = JSON.parse(jsonText);
  } catch (e) {
    return `its 'json' entry is not valid JSON (${(e as Error).message})`;
  }
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
