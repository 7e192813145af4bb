import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePing } from '../lib/parse/ping.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

test('busybox success', () => {
  assert.deepEqual(parsePing(sample('ping/busybox-success.txt')), { transmitted: 2, received: 2, lossPercent: 0, tool: 'busybox' });
});

test('busybox 100% loss', () => {
  assert.deepEqual(parsePing(sample('ping/busybox-loss.txt')), { transmitted: 2, received: 0, lossPercent: 100, tool: 'busybox' });
});

test('busybox duplicates', () => {
  const text = '3 packets transmitted, 3 packets received, 1 duplicates, 0% packet loss\n';
  assert.deepEqual(parsePing(text), { transmitted: 3, received: 3, lossPercent: 0, tool: 'busybox', duplicates: 1 });
});

test('iputils success', () => {
  assert.deepEqual(parsePing(sample('ping/iputils-success.txt')), { transmitted: 2, received: 2, lossPercent: 0, tool: 'iputils' });
});

test('iputils 100% loss', () => {
  assert.deepEqual(parsePing(sample('ping/iputils-loss.txt')), { transmitted: 2, received: 0, lossPercent: 100, tool: 'iputils' });
});

test('iputils errors', () => {
  assert.deepEqual(parsePing(sample('ping/iputils-errors.txt')), { transmitted: 2, received: 0, lossPercent: 100, tool: 'iputils', errors: 2 });
});

test('iputils duplicates and fractional loss, CRLF', () => {
  const text = '3 packets transmitted, 2 received, +2 duplicates, 33.3333% packet loss, time 2003ms\r\n';
  assert.deepEqual(parsePing(text), { transmitted: 3, received: 2, lossPercent: 33.3333, tool: 'iputils', duplicates: 2 });
});

test('no summary → undefined', () => {
  assert.equal(parsePing(''), undefined);
  assert.equal(parsePing('no container found: pv-example-net-client\n'), undefined);
  assert.equal(parsePing('PING 203.0.113.10 (203.0.113.10): 56 data bytes\nping: sendto: Network is unreachable\n'), undefined);
  assert.equal(parsePing('--- 203.0.113.10 ping statistics ---\n2 packets transmitted, 0 pack'), undefined);
});
