/**
 * Pure helpers for Pantavisor pvrexport archives (the tar inside a .pvrexport.tgz):
 * a top-level `json` entry (the state JSON) and `objects/<sha256>` entries.
 * The caller gunzips/gzips and reads/writes files; see ./tar.ts for the tar layer.
 */
import { createHash } from 'node:crypto';
import type { TarEntry } from './tar.ts';

export interface PvrExport {
  state: Record<string, unknown>;
  objects: Map<string, Uint8Array>;
}

const SHA_RE = /^[0-9a-f]{64}$/;
const OBJ_PREFIX = 'objects/';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function isShaValue(v: unknown): v is string {
  return typeof v === 'string' && SHA_RE.test(v);
}

/**
 * Build a PvrExport from tar entries. Like pvtx, only the entries named exactly
 * `json` and `objects/<sha256>` are used; directory entries and other files are ignored.
 * Validates the state JSON, every object's hash and every sha-valued state key.
 */
export function parsePvrExport(tarEntries: TarEntry[]): PvrExport {
  const jsonEntry = [...tarEntries].reverse().find((e) => e.name === 'json' && e.type === 'file');
  if (!jsonEntry) {
    const near = tarEntries.find((e) => e.name.replace(/^(\.\/)+/, '').replace(/^\/+/, '') === 'json');
    throw new Error(
      near
        ? `pvrexport: no top-level entry named exactly 'json' (found ${JSON.stringify(near.name)}; pvtx requires names without a './' prefix)`
        : `pvrexport: no top-level 'json' entry (entries: ${tarEntries.map((e) => e.name).slice(0, 10).join(', ') || 'none'})`,
    );
  }
  let state: unknown;
  try {
    state = JSON.parse(decoder.decode(jsonEntry.data));
  } catch (err) {
    throw new Error(`pvrexport: 'json' entry is not valid JSON: ${(err as Error).message}`);
  }
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new Error(`pvrexport: 'json' entry must be a JSON object, got ${Array.isArray(state) ? 'array' : state === null ? 'null' : typeof state}`);
  }

  const objects = new Map<string, Uint8Array>();
  for (const e of tarEntries) {
    if (e.type !== 'file' || !e.name.startsWith(OBJ_PREFIX)) continue;
    const name = e.name.slice(OBJ_PREFIX.length);
    if (!SHA_RE.test(name)) throw new Error(`pvrexport: object entry ${JSON.stringify(e.name)} is not named objects/<64 lowercase hex sha256>`);
    const actual = sha256Hex(e.data);
    if (actual !== name) throw new Error(`pvrexport: object ${name} has content with sha256 ${actual} (corrupt or misnamed object)`);
    objects.set(name, e.data);
  }

  const st = state as Record<string, unknown>;
  for (const [key, value] of Object.entries(st)) {
    if (isShaValue(value) && !objects.has(value)) {
      throw new Error(`pvrexport: state key ${JSON.stringify(key)} refers to object ${value}, which is missing from objects/`);
    }
  }
  return { state: st, objects };
}

/** Tar entries for a pvrexport: `json` first (JSON.stringify, key order kept), then `objects/<sha>` sorted by sha. */
export function pvrExportToTarEntries(x: PvrExport): { name: string; data: Uint8Array }[] {
  const out: { name: string; data: Uint8Array }[] = [{ name: 'json', data: encoder.encode(JSON.stringify(x.state)) }];
  for (const sha of [...x.objects.keys()].sort()) out.push({ name: OBJ_PREFIX + sha, data: x.objects.get(sha)! });
  return out;
}

/** Container names, from state keys `<name>/run.json` (state-key order). */
export function containerNames(x: PvrExport): string[] {
  const names: string[] = [];
  for (const key of Object.keys(x.state)) {
    const m = /^([^/]+)\/run\.json$/.exec(key);
    if (m && m[1] !== '_sigs' && m[1] !== '_config') names.push(m[1]);
  }
  return names;
}

/**
 * Append `line` to `<container>/lxc.container.conf` and return a NEW PvrExport
 * (the input is not mutated) whose state maps that key to the new object's sha256.
 * The old object is dropped only if no other state key still references it.
 */
export function appendToContainerConfig(
  x: PvrExport,
  container: string,
  line: string,
): { export: PvrExport; oldSha: string; newSha: string } {
  const key = `${container}/lxc.container.conf`;
  if (!(key in x.state)) {
    const names = containerNames(x);
    if (!names.includes(container) && !Object.keys(x.state).some((k) => k.startsWith(`${container}/`))) {
      throw new Error(`pvrexport: container ${JSON.stringify(container)} not found (containers: ${names.join(', ') || 'none'})`);
    }
    throw new Error(`pvrexport: container ${JSON.stringify(container)} has no state key ${JSON.stringify(key)}`);
  }
  const oldSha = x.state[key];
  if (!isShaValue(oldSha)) throw new Error(`pvrexport: state key ${JSON.stringify(key)} is not a sha256 reference: ${JSON.stringify(oldSha)}`);
  const old = x.objects.get(oldSha);
  if (!old) throw new Error(`pvrexport: object ${oldSha} for ${JSON.stringify(key)} is missing`);

  const needsLeadingNl = old.length > 0 && old[old.length - 1] !== 0x0a;
  const tail = encoder.encode((needsLeadingNl ? '\n' : '') + line + (line.endsWith('\n') ? '' : '\n'));
  const content = new Uint8Array(old.length + tail.length);
  content.set(old, 0);
  content.set(tail, old.length);
  const newSha = sha256Hex(content);

  const state = structuredClone(x.state) as Record<string, unknown>;
  state[key] = newSha; // existing key: position in key order is kept
  const objects = new Map(x.objects);
  objects.set(newSha, content);
  if (oldSha !== newSha && !Object.values(state).some((v) => v === oldSha)) objects.delete(oldSha);
  return { export: { state, objects }, oldSha, newSha };
}
