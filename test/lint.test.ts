import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ExportView, lintSet, lxcLines, poolsDefined, poolsUsed } from '../lib/artifacts/lint.ts';

const INTERNAL = { type: 'bridge', bridge: 'pvbr0', subnet: '10.0.5.0/24', gateway: '10.0.5.1', nat: true };
const LAB = { type: 'bridge', bridge: 'pvbr1', subnet: '10.0.6.0/24', gateway: '10.0.6.1', nat: false };
const PVCNET = { type: 'bridge', bridge: 'lxcbr0', subnet: '10.0.3.0/24', gateway: '10.0.3.1', nat: true };
const groups = [{ name: 'root', status_goal: 'STARTED', restart_policy: 'container' }];

function device(name: string, pools: Record<string, unknown>): ExportView {
  return { name, state: { '#spec': 'pantavisor-service-system@1', 'device.json': { groups, network: { pools } } }, config: () => undefined };
}
/** A container export as the pvr template makes it: run.json network from PV_NETWORK_*. */
function container(name: string, network?: Record<string, string>, conf = `lxc.uts.name = ${name}\nlxc.namespace.keep = user net ipc\n`): ExportView {
  return {
    name,
    state: { '#spec': 'pantavisor-service-system@1', [`${name}/run.json`]: { name, ...(network ? { network } : {}) }, [`${name}/lxc.container.conf`]: 'c'.repeat(64) },
    config: (c) => (c === name ? conf : undefined),
  };
}
const dev = device('pv-example-device-ipam', { internal: INTERNAL });
const dev2 = device('pv-example-device-ipam-2pools', { internal: INTERNAL, lab: LAB });
const lxcbr = device('pv-example-device-ipam-lxcbr', { pvcnet: PVCNET });
const client = container('pv-example-net-client', { pool: 'internal', hostname: 'net-client' });
const server = container('pv-example-net-server', { pool: 'internal', hostname: 'net-server' });
const labServer = container('pv-example-net-lab-server', { pool: 'lab', hostname: 'net-lab-server' });
const valid = container('pv-example-ipam-valid', { pool: 'internal', hostname: 'pv-example-ipam-valid', ip: '10.0.5.50' });
const invalid = container('pv-example-ipam-invalid', { pool: 'internal', hostname: 'pv-example-ipam-invalid', ip: '192.168.99.100' });
const collisionAsExported = container('pv-example-ipam-collision', { pool: 'internal', hostname: 'pv-example-ipam-collision', ip: '10.0.3.50' });
const collision = container('pv-example-ipam-collision', { pool: 'internal', hostname: 'pv-example-ipam-collision', ip: '10.0.5.50' });
const nopool = container('pv-example-ipam-nopool', { pool: 'does-not-exist', hostname: 'pv-example-ipam-nopool' });
const pvcnet = container('pv-example-net-pvcnet', { pool: 'pvcnet', hostname: 'net-pvcnet' });
const staticNative = container(
  'pv-example-ipam-static',
  undefined,
  'lxc.net.0.type = veth\nlxc.net.0.link = lxcbr0\nlxc.net.0.flags = up\nlxc.net.0.ipv4.address = 10.0.3.2/24\nlxc.net.0.ipv4.gateway = 10.0.3.1\nlxc.namespace.keep = user ipc\n',
);
const baked = container('pv-example-net-pvcnet', { pool: 'pvcnet', hostname: 'net-pvcnet' }, 'lxc.uts.name = x\nlxc.net.0.type = veth\n');

const messages = (xs: ExportView[]) => lintSet(xs).map((w) => w.message);

test('the plan sets that boot get no warning (Tests 1, 2, 3, 4, 6, 9)', () => {
  assert.deepEqual(messages([dev, server, client]), []);
  assert.deepEqual(messages([dev, valid]), []);
  assert.deepEqual(messages([dev2, server, labServer]), []);
  assert.deepEqual(messages([dev, server]), []);
  assert.deepEqual(messages([lxcbr, staticNative, pvcnet]), []);
});

test('Test 7: an unknown pool is predicted refused', () => {
  assert.deepEqual(messages([dev, server, nopool]), [
    "pv-example-ipam-nopool: references pool 'does-not-exist', which pv-example-device-ipam's device.json does not define (pools: internal); Pantavisor refuses it (\"references unknown pool\") and tears the revision down",
  ]);
  assert.match(messages([nopool])[0], /no device\.json is staged with it/);
});

test('Test 8: a pool container with baked lxc.net.* is predicted refused by the backend', () => {
  assert.deepEqual(messages([lxcbr, baked]), [
    'pv-example-net-pvcnet: declares pool \'pvcnet\' but its lxc.container.conf has lxc.net.* entries (lxc.net.0.type = veth); Pantavisor refuses it ("refused by backend pre-start validation") and tears the revision down',
  ]);
});

test('invalid and the as-exported collision: a static IP outside its pool', () => {
  assert.deepEqual(messages([dev, invalid, server]), [
    "pv-example-ipam-invalid: static IP 192.168.99.100 is outside pool 'internal' (10.0.5.0/24); Pantavisor refuses it (\"not in pool 'internal' subnet\") and tears the revision down",
  ]);
  assert.match(messages([dev, collisionAsExported])[0], /^pv-example-ipam-collision: static IP 10\.0\.3\.50 is outside pool 'internal'/);
});

test('collision: the second asker of one static IP (name order) is predicted refused', () => {
  const w = lintSet([dev, valid, collision]);
  assert.equal(w.length, 1);
  assert.equal(w[0].container, 'pv-example-ipam-valid');
  assert.match(
    w[0].message,
    /static IP 10\.0\.5\.50 is also asked for by pv-example-ipam-collision, which starts first \(name order\) and gets it; Pantavisor refuses pv-example-ipam-valid \("already in use in pool 'internal'"\)/,
  );
});

test('the gateway, the network and the broadcast address as static IPs', () => {
  const gw = container('gw', { pool: 'internal', ip: '10.0.5.1' });
  const net = container('net', { pool: 'internal', ip: '10.0.5.0' });
  const bc = container('bc', { pool: 'internal', ip: '10.0.5.255' });
  const bad = container('bad', { pool: 'internal', ip: '10.0.5.300' });
  assert.deepEqual(messages([dev, gw, net, bc, bad]), [
    'bad: static IP \'10.0.5.300\' is not an IPv4 address; Pantavisor refuses it ("invalid IP") and tears the revision down',
    "bc: static IP 10.0.5.255 is the broadcast address of pool 'internal' (10.0.5.0/24)",
    "gw: static IP 10.0.5.1 is pool 'internal''s gateway; Pantavisor refuses it (\"already in use\") and tears the revision down",
    "net: static IP 10.0.5.0 is the network address of pool 'internal' (10.0.5.0/24)",
  ]);
});

test('pool exhaustion: a /30 has one usable address for two containers', () => {
  const d30 = device('pv-example-device-ipam+internal-30', { internal: { ...INTERNAL, subnet: '10.0.5.0/30' } });
  assert.deepEqual(messages([d30, client, server]), [
    "pool 'internal' (10.0.5.0/30) has 1 usable address for 2 containers (pv-example-net-client, pv-example-net-server); Pantavisor refuses pv-example-net-server (\"no available IPs in pool 'internal'\", pool exhausted) and tears the revision down",
  ]);
  const d29 = device('d29', { internal: { ...INTERNAL, subnet: '10.0.5.0/29' } });
  assert.deepEqual(messages([d29, client, server]), []);
  // a backend-native static address inside the pool takes one of the usable addresses too
  const d30l = device('d', { pvcnet: { ...PVCNET, subnet: '10.0.3.0/30' } });
  assert.equal(messages([d30l, staticNative, pvcnet]).length, 1);
});

test('a later export replaces device.json and same-named containers, as pvtx merges them', () => {
  assert.deepEqual(messages([lxcbr, dev, server]), []);
  assert.equal(messages([dev, lxcbr, server]).length, 1);
});

test('lxcLines, poolsUsed, poolsDefined', () => {
  assert.deepEqual(lxcLines('# c\n  lxc.net.0.type = veth \n\nnot a line\nk=v=w\n'), [{ key: 'lxc.net.0.type', value: 'veth' }, { key: 'k', value: 'v=w' }]);
  assert.deepEqual(poolsUsed(client), ['internal']);
  assert.deepEqual(poolsUsed(staticNative), []);
  assert.deepEqual(poolsDefined(dev2), ['internal', 'lab']);
  assert.deepEqual(poolsDefined(client), []);
});
