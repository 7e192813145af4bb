/**
 * DEVICE=[user@]host[:port], the address of TARGET=device (./ssh.ts): parsed and checked
 * here, apart from the driver, so that lib/config.ts checks it without importing a driver.
 */
import { UsageError } from '../errors.ts';

/** A device's address: DEVICE=[user@]host[:port]. */
export interface DeviceAddress {
  user: string;
  host: string;
  port: number;
}

export const DEVICE_USER = '_pv_';
export const DEVICE_PORT = 8222;

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/**
 * DEVICE=[user@]host[:port] (default user _pv_, port 8222): a host name of [A-Za-z0-9._-]
 * (not starting with `-`, never read as an ssh option), an IPv4 address or an [IPv6] one in
 * brackets; a user of [A-Za-z0-9._-] (`_pv_`, or a container's name); a port from 1 to 65535.
 * Anything else, or nothing, is a UsageError (exit 2), one line.
 */
export function parseDevice(text: string | undefined): DeviceAddress {
  const how = 'give DEVICE=[user@]host[:port] (e.g. DEVICE=_pv_@192.0.2.10:8222; user _pv_ and port 8222 by default)';
  if (!text) throw new UsageError(`TARGET=device needs DEVICE: ${how}`);
  const bad = (why: string) => new UsageError(`DEVICE=${JSON.stringify(text)} ${why}; ${how}`);
  const m = /^(?:([^@]*)@)?(\[[^\]]*\]|[^:[\]]*)(?::([^:]*))?$/.exec(text);
  if (!m) throw bad('is not [user@]host[:port] (an IPv6 address goes in brackets: [fd00::2]:8222)');
  const [, user = DEVICE_USER, rawHost, rawPort] = m;
  if (!/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user)) throw bad(`has the user ${JSON.stringify(user)}: only letters, digits, '.', '_' and '-' (not first)`);
  let host = rawHost;
  if (host.startsWith('[')) {
    host = host.slice(1, -1);
    if (!IPV6.test(host) || !host.includes(':')) throw bad(`has ${JSON.stringify(rawHost)}, not an IPv6 address in brackets`);
  } else if (/^[0-9.]+$/.test(host) ? !IPV4.test(host) : !NAME.test(host)) {
    throw bad(`has the host ${JSON.stringify(host)}: a name of letters, digits, '.', '_' and '-', an IPv4 address or an [IPv6] one`);
  }
  let port = DEVICE_PORT;
  if (rawPort !== undefined) {
    if (!/^[1-9][0-9]{0,4}$/.test(rawPort) || Number(rawPort) > 65535) throw bad(`has the port ${JSON.stringify(rawPort)}: a number from 1 to 65535`);
    port = Number(rawPort);
  }
  return { user, host, port };
}

/** The device as DEVICE names it, in full: `user@host:port` (`user@[v6]:port`); the run lock's key. */
export function deviceName(a: DeviceAddress): string {
  return `${a.user}@${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}
