/**
 * Artifact lint: predicts, from the pvrexports a test stages, what Pantavisor will refuse, so a
 * user sees "this set cannot boot" before a boot loop. It never fails a run by itself; the live
 * checks judge. Rules follow the facts: a pool container with baked lxc.net.* is refused by the
 * backend; an unknown pool, a static IP outside its pool, on the gateway or taken by an earlier
 * container (name order), and a pool with fewer usable addresses than containers are refused.
 */
import { classifyInPool, isIPv4, parseSubnet, sameIp } from '../ip.ts';
import { containerNames, type State } from './pvrexport.ts';

export interface ExportView {
  /** artifact name */
  name: string;
  state: State;
  /** text of a container's lxc.container.conf object, if the export has it */
  config(container: string): string | undefined;
}

export interface LintWarning {
  artifact: string;
  container?: string;
  message: string;
}

interface Pool {
  subnet?: unknown;
  gateway?: unknown;
  bridge?: unknown;
}

/** Non-comment `key = value` lines of an lxc config. */
export function lxcLines(text: string): { key: string; value: string }[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && l.includes('='))
    .map((l) => ({ key: l.slice(0, l.indexOf('=')).trim(), value: l.slice(l.indexOf('=') + 1).trim() }));
}

function poolsOf(state: State): Record<string, Pool> | undefined {
  const dev = state['device.json'] as { network?: { pools?: Record<string, Pool> } } | undefined;
  const pools = dev?.network?.pools;
  return pools && typeof pools === 'object' ? pools : undefined;
}

interface Member {
  name: string;
  artifact: string;
  pool?: string;
  ip?: string;
  baked: string[];
  nativeIp?: string;
}

/**
 * Lints a set of exports as pvtx would merge them: device.json from the last export that has
 * one, containers from every export (a later one replaces an earlier one of the same name),
 * started in name order.
 */
export function lintSet(exports: ExportView[]): LintWarning[] {
  const warnings: LintWarning[] = [];
  let pools: Record<string, Pool> | undefined;
  let deviceArtifact: string | undefined;
  const members = new Map<string, Member>();
  for (const x of exports) {
    const p = poolsOf(x.state);
    if ('device.json' in x.state) {
      pools = p;
      deviceArtifact = x.name;
    }
    for (const name of containerNames(x.state)) {
      const run = x.state[`${name}/run.json`] as { network?: { pool?: unknown; ip?: unknown; mode?: unknown } } | undefined;
      const net = run?.network && typeof run.network === 'object' && run.network.mode !== 'host' ? run.network : undefined;
      const conf = lxcLines(x.config(name) ?? '');
      const baked = conf.filter((l) => l.key.startsWith('lxc.net.')).map((l) => `${l.key} = ${l.value}`);
      const addr = conf.find((l) => /^lxc\.net\.\d+\.ipv4\.address$/.test(l.key))?.value.split('/')[0];
      members.set(name, {
        name,
        artifact: x.name,
        baked,
        pool: typeof net?.pool === 'string' ? net.pool : undefined,
        ip: typeof net?.ip === 'string' ? net.ip : undefined,
        nativeIp: addr && isIPv4(addr) ? addr : undefined,
      });
    }
  }
  const ordered = [...members.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const warn = (m: Member, message: string) => warnings.push({ artifact: m.artifact, container: m.name, message: `${m.name}: ${message}` });
  const taken = new Map<string, string>(); // pool|ip -> container
  const users = new Map<string, string[]>();
  for (const m of ordered) {
    if (m.pool === undefined) continue;
    if (m.baked.length) {
      warn(
        m,
        `declares pool '${m.pool}' but its lxc.container.conf has lxc.net.* entries (${m.baked[0]}); Pantavisor refuses it ("refused by backend pre-start validation") and tears the revision down`,
      );
      continue;
    }
    const pool = pools?.[m.pool];
    if (!pool) {
      const known = pools ? Object.keys(pools).join(', ') || 'none' : undefined;
      warn(
        m,
        known === undefined
          ? `references pool '${m.pool}' but no device.json is staged with it; Pantavisor refuses it ("references unknown pool") and tears the revision down`
          : `references pool '${m.pool}', which ${deviceArtifact}'s device.json does not define (pools: ${known}); Pantavisor refuses it ("references unknown pool") and tears the revision down`,
      );
      continue;
    }
    const subnet = String(pool.subnet ?? '');
    const gateway = String(pool.gateway ?? '');
    try {
      parseSubnet(subnet);
    } catch {
      warn(m, `pool '${m.pool}' has an invalid subnet '${subnet}'`);
      continue;
    }
    users.set(m.pool, [...(users.get(m.pool) ?? []), m.name]);
    if (m.ip === undefined) continue;
    if (!isIPv4(m.ip)) {
      warn(m, `static IP '${m.ip}' is not an IPv4 address; Pantavisor refuses it ("invalid IP") and tears the revision down`);
      continue;
    }
    const f = classifyInPool(m.ip, subnet, gateway);
    if (!f.inSubnet) warn(m, `static IP ${m.ip} is outside pool '${m.pool}' (${subnet}); Pantavisor refuses it ("not in pool '${m.pool}' subnet") and tears the revision down`);
    else if (f.isGateway) warn(m, `static IP ${m.ip} is pool '${m.pool}''s gateway; Pantavisor refuses it ("already in use") and tears the revision down`);
    else if (f.isNetwork || f.isBroadcast) warn(m, `static IP ${m.ip} is the ${f.isNetwork ? 'network' : 'broadcast'} address of pool '${m.pool}' (${subnet})`);
    else {
      const key = `${m.pool}|${m.ip.split('/')[0]}`;
      const first = taken.get(key);
      if (first)
        warn(
          m,
          `static IP ${m.ip} is also asked for by ${first}, which starts first (name order) and gets it; Pantavisor refuses ${m.name} ("already in use in pool '${m.pool}'") and tears the revision down`,
        );
      else taken.set(key, m.name);
    }
  }
  // capacity: usable hosts (not network, broadcast, gateway) minus backend-native reservations
  for (const [poolName, names] of users) {
    const pool = pools![poolName];
    const subnet = String(pool.subnet);
    const range = parseSubnet(subnet);
    const size = Number(range.getSize());
    const native = ordered.filter((m) => m.pool === undefined && m.nativeIp && classifyInPool(m.nativeIp, subnet, String(pool.gateway ?? '')).usableHost);
    const gatewayInside = isIPv4(String(pool.gateway ?? '')) && classifyInPool(String(pool.gateway), subnet, '').usableHost;
    const usable = Math.max(0, size - 2 - (gatewayInside ? 1 : 0) - native.length);
    if (names.length > usable) {
      const last = members.get(names[names.length - 1])!;
      warnings.push({
        artifact: last.artifact,
        container: last.name,
        message: `pool '${poolName}' (${subnet}) has ${usable} usable address${usable === 1 ? '' : 'es'} for ${names.length} containers (${names.join(', ')}); Pantavisor refuses ${
          names.slice(usable).join(', ')
        } ("no available IPs in pool '${poolName}'", pool exhausted) and tears the revision down`,
      });
    }
  }
  // a native static address that a pool container also asks for statically
  for (const m of ordered) {
    if (m.pool || !m.nativeIp) continue;
    for (const o of ordered) {
      if (o.pool && o.ip && isIPv4(o.ip) && sameIp(o.ip, m.nativeIp)) warn(o, `static IP ${o.ip} is also baked into ${m.name}'s lxc.container.conf`);
    }
  }
  return warnings;
}

/** The pools a container export's containers use (to pick the device exports to lint it with). */
export function poolsUsed(x: ExportView): string[] {
  return containerNames(x.state).flatMap((n) => {
    const net = (x.state[`${n}/run.json`] as { network?: { pool?: unknown } } | undefined)?.network;
    return typeof net?.pool === 'string' ? [net.pool] : [];
  });
}

/** The pool names a device export defines. */
export function poolsDefined(x: ExportView): string[] {
  return Object.keys(poolsOf(x.state) ?? {});
}
