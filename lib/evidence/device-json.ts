/**
 * The trail's device.json (DEVICE_JSON), `cat`: the pools pantavisor reads (parser_system1.c).
 * Its text is judged, not its command's exit status: absent, it is "device.json missing" to the
 * checks reading it; there but not JSON, or not the shape pantavisor reads, it cannot be read.
 */
import { parseJsonBounded } from '../parse/json-bounded.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';
import type { EvidenceSource } from './source.ts';

export interface PoolDef {
  type?: string;
  bridge?: string;
  subnet?: string;
  gateway?: string;
  nat?: unknown;
}

export type Device = { network?: { pools?: Record<string, PoolDef> } } & Record<string, unknown>;

/** device.json read: the device, or why it is not (deviceError: the words a check quotes). */
export interface DeviceRead {
  device?: Device;
  deviceError?: string;
}

const FILE = 'device.json';

export const DEVICE_JSON: EvidenceSource<DeviceRead> = {
  name: 'device-json',
  file: FILE,
  gathered: 'always',
  command: (p) => `cat ${q(p.deviceJsonFile)}`,
  read: (text) => {
    const r = parseJsonBounded(text);
    if ('problem' in r) return { value: { deviceError: `${FILE} is not JSON: ${r.problem}` }, problem: `not JSON: ${r.problem}` };
    const device = r.value as Device;
    return { value: { device }, problem: deviceJsonProblem(device) };
  },
  readability: { exitStatus: false },
};

/** The string fields of a device.json pool (parser_system1.c reads these and `nat`). */
const POOL_STRINGS = ['type', 'bridge', 'subnet', 'gateway'] as const;

/**
 * Why a parsed device.json is not the shape pantavisor reads (parser_system1.c), or undefined:
 * an object whose `network.pools`, when present, is an object of pools, each an object whose
 * type, bridge, subnet and gateway are strings and nat a boolean, when present. A field of another
 * type is quoted: never read as absent.
 */
export function deviceJsonProblem(device: unknown): string | undefined {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const q = (v: unknown) => {
    const t = JSON.stringify(v) ?? String(v);
    return t.length > 80 ? `${t.slice(0, 80)}…` : t;
  };
  if (!isObj(device)) return `not a JSON object: ${q(device)}`;
  if (device.network === undefined) return undefined;
  if (!isObj(device.network)) return `"network" is not an object: ${q(device.network)}`;
  const pools = device.network.pools;
  if (pools === undefined) return undefined;
  if (!isObj(pools)) return `"network.pools" is not an object: ${q(pools)}`;
  for (const [name, pool] of Object.entries(pools)) {
    if (!isObj(pool)) return `pool "${name}" is not an object: ${q(pool)}`;
    for (const k of POOL_STRINGS) if (k in pool && typeof pool[k] !== 'string') return `pool "${name}": "${k}" is not a string: ${q(pool[k])}`;
    if ('nat' in pool && typeof pool.nat !== 'boolean') return `pool "${name}": "nat" is not a boolean: ${q(pool.nat)}`;
  }
  return undefined;
}

/** The pools device.json declares, or a reason why there are none. */
export function poolsOf(state: DeviceRead): Record<string, PoolDef> | string {
  if (!state.device) return state.deviceError ?? `${FILE} missing`;
  const pools = state.device.network?.pools;
  if (!pools || typeof pools !== 'object') return `${FILE} has no network.pools`;
  return pools;
}
