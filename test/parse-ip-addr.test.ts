import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findIface, parseIpAddr } from '../lib/parse/ip-addr.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

test('real busybox ip addr (two-containers-one-pool)', () => {
  const ifaces = parseIpAddr(sample('two-containers-one-pool/ip-addr.txt'));
  assert.deepEqual(ifaces.map((i) => i.name), ['lo', 'lxcbr0', 'pvbr0', 'vethbhb6Wd', 'vethY8z0cm']);
  const pvbr0 = findIface(ifaces, 'pvbr0');
  assert.equal(pvbr0?.state, undefined, 'busybox prints no state');
  assert.deepEqual(pvbr0, {
    index: 3,
    name: 'pvbr0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    mac: 'fe:46:ec:e7:20:e7',
    inet: [{ address: '10.0.5.1', prefix: 24, cidr: '10.0.5.1/24', broadcast: '10.0.5.255', scope: 'global' }],
    inet6: [],
  });
  const veth = findIface(ifaces, 'vethbhb6Wd');
  assert.equal(veth?.peer, 'lxcbr0', 'busybox names the veth after lxcbr0 ...');
  assert.equal(veth?.master, 'pvbr0', '... while it is enslaved to pvbr0');
  assert.deepEqual(veth?.inet, []);
  assert.equal(findIface(ifaces, 'vethY8z0cm@lxcbr0')?.index, 5);
  assert.equal(findIface(ifaces, 'lo')?.inet[0].cidr, '127.0.0.1/8');
  assert.equal(findIface(ifaces, 'lo')?.inet[0].scope, 'host');
});

test('real busybox ip addr (static-ip-outside-subnet): bridges only', () => {
  const ifaces = parseIpAddr(sample('static-ip-outside-subnet/ip-addr.txt'));
  assert.deepEqual(ifaces.map((i) => [i.name, i.inet.map((a) => a.cidr)]), [
    ['lo', ['127.0.0.1/8']],
    ['lxcbr0', ['10.0.3.1/24']],
    ['pvbr0', ['10.0.5.1/24']],
  ]);
});

test('iproute2 ip addr: state, peer ifN, altname, inet6, secondary, dynamic', () => {
  const ifaces = parseIpAddr(sample('iproute2/ip-addr.txt'));
  assert.equal(ifaces.length, 6);
  const eth0 = findIface(ifaces, 'eth0');
  assert.equal(eth0?.peer, 'if5');
  assert.equal(eth0?.state, 'UP');
  assert.equal(eth0?.mtu, 1500);
  assert.equal(eth0?.mac, '02:00:0a:00:05:02');
  assert.deepEqual(eth0?.inet, [{ address: '10.0.5.2', prefix: 24, cidr: '10.0.5.2/24', broadcast: '10.0.5.255', scope: 'global' }]);
  assert.deepEqual(eth0?.inet6, [{ address: 'fe80::ff:fe00:502', prefix: 64, cidr: 'fe80::ff:fe00:502/64', scope: 'link' }]);
  const nic = findIface(ifaces, 'enp0s31f6');
  assert.equal(nic?.state, 'DOWN');
  assert.deepEqual(nic?.flags, ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP']);
  assert.equal(findIface(ifaces, 'enx54e1ad3f9c21'), undefined, 'altname is not an interface');
  assert.deepEqual(findIface(ifaces, 'pvbr0')?.inet.map((a) => a.cidr), ['10.0.5.1/24', '10.0.6.1/24']);
  const veth = findIface(ifaces, 'vethbhb6Wd');
  assert.equal(veth?.master, 'pvbr0');
  assert.equal(veth?.state, 'UP');
  assert.equal(findIface(ifaces, 'wlp2s0')?.inet[0].cidr, '192.168.1.23/24');
  assert.equal(findIface(ifaces, 'lo')?.inet6[0].cidr, '::1/128');
});

test('empty and junk input', () => {
  assert.deepEqual(parseIpAddr(''), []);
  assert.deepEqual(parseIpAddr("ip: can't find device 'pvbr9'\n"), []);
  assert.equal(findIface([], 'pvbr0'), undefined);
});

test('ip addr show DEV with CRLF and a truncated last line', () => {
  const text = '3: pvbr0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue qlen 1000\r\n' +
    '    link/ether 7e:dc:68:b9:60:fa brd ff:ff:ff:ff:ff:ff\r\n    inet 10.0.5.1/24 brd 10.0.5.255 scope glo';
  const [pvbr0] = parseIpAddr(text);
  assert.equal(pvbr0.mac, '7e:dc:68:b9:60:fa');
  assert.equal(pvbr0.inet[0].cidr, '10.0.5.1/24');
});
