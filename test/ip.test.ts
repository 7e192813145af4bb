import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bareIp, classifyInPool, inSubnet, isIPv4, normalizeSubnet, parseSubnet, prefixOf, sameIp } from '../lib/ip.ts';

test('bareIp strips the prefix and whitespace', () => {
  assert.equal(bareIp('10.0.5.2/24'), '10.0.5.2');
  assert.equal(bareIp(' 10.0.5.2 '), '10.0.5.2');
  assert.equal(bareIp('10.0.5.2'), '10.0.5.2');
});

test('isIPv4', () => {
  assert.equal(isIPv4('10.0.5.2'), true);
  assert.equal(isIPv4('10.0.5.2/24'), true);
  assert.equal(isIPv4('10.0.5.256'), false);
  assert.equal(isIPv4('-'), false);
  assert.equal(isIPv4(''), false);
});

test('classifyInPool: a usable host', () => {
  const f = classifyInPool('10.0.5.2', '10.0.5.0/24', '10.0.5.1');
  assert.deepEqual(f, {
    inSubnet: true,
    isNetwork: false,
    isBroadcast: false,
    isGateway: false,
    usableHost: true,
    network: '10.0.5.0',
    broadcast: '10.0.5.255',
  });
  // the CIDR form lxc/pantavisor print is accepted too
  assert.equal(classifyInPool('10.0.5.254/24', '10.0.5.0/24', '10.0.5.1').usableHost, true);
});

test('classifyInPool: gateway, network and broadcast are not usable', () => {
  const gw = classifyInPool('10.0.5.1', '10.0.5.0/24', '10.0.5.1');
  assert.equal(gw.isGateway, true);
  assert.equal(gw.inSubnet, true);
  assert.equal(gw.usableHost, false);
  // gateway given in CIDR form
  assert.equal(classifyInPool('10.0.5.1', '10.0.5.0/24', '10.0.5.1/24').isGateway, true);

  const net = classifyInPool('10.0.5.0', '10.0.5.0/24', '10.0.5.1');
  assert.equal(net.isNetwork, true);
  assert.equal(net.isBroadcast, false);
  assert.equal(net.usableHost, false);

  const bc = classifyInPool('10.0.5.255', '10.0.5.0/24', '10.0.5.1');
  assert.equal(bc.isBroadcast, true);
  assert.equal(bc.isNetwork, false);
  assert.equal(bc.usableHost, false);
});

test('classifyInPool: an invalid gateway does not make every address a gateway', () => {
  const f = classifyInPool('10.0.5.2', '10.0.5.0/24', 'none');
  assert.equal(f.isGateway, false);
  assert.equal(f.usableHost, true);
});

test('classifyInPool: outside the subnet', () => {
  const f = classifyInPool('192.168.99.100', '10.0.5.0/24', '10.0.5.1');
  assert.equal(f.inSubnet, false);
  assert.equal(f.usableHost, false);
  assert.equal(f.isNetwork, false);
  assert.equal(f.isBroadcast, false);
  assert.equal(f.isGateway, false);
  // adjacent addresses just outside the range
  assert.equal(classifyInPool('10.0.4.255', '10.0.5.0/24', '10.0.5.1').inSubnet, false);
  assert.equal(classifyInPool('10.0.6.0', '10.0.5.0/24', '10.0.5.1').inSubnet, false);
});

test('subnet written with host bits set (10.0.5.7/24) is the 10.0.5.0/24 network', () => {
  const r = parseSubnet('10.0.5.7/24');
  assert.equal(r.toCidrString(), '10.0.5.0/24');
  assert.equal(normalizeSubnet('10.0.5.7/24'), '10.0.5.0/24');
  assert.equal(prefixOf('10.0.5.7/24'), 24);
  assert.equal(inSubnet('10.0.5.200', '10.0.5.7/24'), true);
  assert.equal(inSubnet('10.0.6.1', '10.0.5.7/24'), false);
  const f = classifyInPool('10.0.5.0', '10.0.5.7/24', '10.0.5.1');
  assert.equal(f.isNetwork, true);
  assert.equal(f.network, '10.0.5.0');
  assert.equal(f.broadcast, '10.0.5.255');
  assert.equal(classifyInPool('10.0.5.7', '10.0.5.7/24', '10.0.5.1').usableHost, true);
});

test('other prefixes: /16 and /0', () => {
  assert.equal(normalizeSubnet('172.16.3.4/16'), '172.16.0.0/16');
  assert.equal(prefixOf('172.16.0.0/16'), 16);
  assert.equal(classifyInPool('172.16.255.255', '172.16.0.0/16', '172.16.0.1').isBroadcast, true);
  assert.equal(normalizeSubnet('10.1.2.3/0'), '0.0.0.0/0');
  assert.equal(inSubnet('203.0.113.5', '0.0.0.0/0'), true);
});

test('/32: the single address is both network and broadcast, never usable', () => {
  assert.equal(normalizeSubnet('10.0.5.7/32'), '10.0.5.7/32');
  assert.equal(prefixOf('10.0.5.7/32'), 32);
  const f = classifyInPool('10.0.5.7', '10.0.5.7/32', '10.0.5.1');
  assert.equal(f.inSubnet, true);
  assert.equal(f.isNetwork, true);
  assert.equal(f.isBroadcast, true);
  assert.equal(f.usableHost, false);
  assert.equal(f.network, '10.0.5.7');
  assert.equal(f.broadcast, '10.0.5.7');
  assert.equal(inSubnet('10.0.5.8', '10.0.5.7/32'), false);
});

test('/31: two addresses, first is the network and last the broadcast', () => {
  assert.equal(normalizeSubnet('10.0.5.7/31'), '10.0.5.6/31');
  const lo = classifyInPool('10.0.5.6', '10.0.5.7/31', '10.0.5.1');
  const hi = classifyInPool('10.0.5.7', '10.0.5.7/31', '10.0.5.1');
  assert.equal(lo.inSubnet && hi.inSubnet, true);
  assert.equal(lo.isNetwork, true);
  assert.equal(hi.isBroadcast, true);
  assert.equal(lo.usableHost || hi.usableHost, false);
  assert.equal(lo.network, '10.0.5.6');
  assert.equal(lo.broadcast, '10.0.5.7');
  assert.equal(inSubnet('10.0.5.8', '10.0.5.6/31'), false);
  assert.equal(inSubnet('10.0.5.5', '10.0.5.6/31'), false);
});

test('invalid CIDR throws', () => {
  for (const bad of ['10.0.5.0', '10.0.5.0/', '10.0.5.0/33', '10.0.5.0/-1', '10.0.5.0/24x', '10.0.5.256/24', 'pool/24', '', '/24', '10.0.5/24']) {
    assert.throws(() => parseSubnet(bad), /invalid subnet CIDR/, bad);
    assert.throws(() => normalizeSubnet(bad), /invalid subnet CIDR/, bad);
    assert.throws(() => inSubnet('10.0.5.2', bad), /invalid subnet CIDR/, bad);
    assert.throws(() => classifyInPool('10.0.5.2', bad, '10.0.5.1'), /invalid subnet CIDR/, bad);
  }
});

test('invalid address throws in inSubnet/classifyInPool', () => {
  assert.throws(() => inSubnet('not-an-ip', '10.0.5.0/24'));
  assert.throws(() => classifyInPool('10.0.5.300', '10.0.5.0/24', '10.0.5.1'));
});

test('sameIp with and without prefix', () => {
  assert.equal(sameIp('10.0.5.2', '10.0.5.2'), true);
  assert.equal(sameIp('10.0.5.2/24', '10.0.5.2'), true);
  assert.equal(sameIp('10.0.5.2', '10.0.5.2/24'), true);
  assert.equal(sameIp('10.0.5.2/24', '10.0.5.2/16'), true);
  assert.equal(sameIp('10.0.5.2', '10.0.5.3'), false);
  assert.equal(sameIp('10.0.5.2/24', '10.0.5.20/24'), false);
  assert.equal(sameIp('-', '-'), false);
  assert.equal(sameIp('', '10.0.5.2'), false);
  assert.equal(sameIp('10.0.5.2', 'garbage'), false);
});

test('inSubnet accepts an address in CIDR form', () => {
  assert.equal(inSubnet('10.0.5.2/24', '10.0.5.0/24'), true);
  assert.equal(inSubnet('192.168.99.100', '10.0.5.0/24'), false);
});
