import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseLxcLs } from '../lib/parse/lxc-ls.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

test('real two-containers-one-pool: two RUNNING rows with .2 and .3', () => {
  const rows = parseLxcLs(sample('two-containers-one-pool/lxc-ls.txt'));
  assert.deepEqual(rows, [
    { name: 'pv-example-net-client', state: 'RUNNING', autostart: '0', groups: '-', ipv4: ['10.0.5.2'], ipv6: [], unprivileged: 'false' },
    { name: 'pv-example-net-server', state: 'RUNNING', autostart: '0', groups: '-', ipv4: ['10.0.5.3'], ipv6: [], unprivileged: 'false' },
  ]);
});

test('real static-ip-outside-subnet: lxc-ls printed nothing → []', () => {
  assert.equal(sample('static-ip-outside-subnet/lxc-ls.txt'), '');
  assert.deepEqual(parseLxcLs(sample('static-ip-outside-subnet/lxc-ls.txt')), []);
});

test('empty, blank-only and header-only output → []', () => {
  assert.deepEqual(parseLxcLs(''), []);
  assert.deepEqual(parseLxcLs('\n  \n\r\n'), []);
  assert.deepEqual(parseLxcLs('NAME STATE AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED \n'), []);
});

test('non-lxc-ls text → []', () => {
  assert.deepEqual(parseLxcLs('sh: lxc-ls: not found\n'), []);
});

test('stopped row has ipv4 [] and a comma+space list is split', () => {
  const rows = parseLxcLs(sample('lxc-ls/stopped-and-multi-ip.txt'));
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].ipv4, ['10.0.5.2', '10.0.3.7']);
  assert.equal(rows[0].unprivileged, 'false');
  assert.equal(rows[1].state, 'STOPPED');
  assert.deepEqual(rows[1].ipv4, []);
  assert.deepEqual(rows[1].ipv6, []);
});

test('columns shifted by a list wider than the header, CRLF, blank line, comma list without space', () => {
  const rows = parseLxcLs(sample('lxc-ls/shifted-columns-crlf.txt'));
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], {
    name: 'pv-example-net-client',
    state: 'RUNNING',
    autostart: '0',
    groups: '-',
    ipv4: ['10.0.5.2', '10.0.3.7'],
    ipv6: [],
    unprivileged: 'false',
  });
  assert.deepEqual(rows[1], {
    name: 'pv-example-net-server',
    state: 'RUNNING',
    autostart: '1',
    groups: 'onboot',
    ipv4: ['10.0.5.3', '10.0.3.8'],
    ipv6: ['fd00::3'],
    unprivileged: 'false',
  });
});

test('lxc-ls -f -F NAME,STATE,IPV4: absent columns are empty', () => {
  const rows = parseLxcLs(sample('lxc-ls/subset-columns.txt'));
  assert.deepEqual(rows, [
    { name: 'pv-example-net-client', state: 'RUNNING', autostart: '', groups: '', ipv4: ['10.0.5.2'], ipv6: [], unprivileged: '' },
    { name: 'pv-example-net-server', state: 'STOPPED', autostart: '', groups: '', ipv4: [], ipv6: [], unprivileged: '' },
  ]);
});

test('-F with columns in another order and three addresses', () => {
  const rows = parseLxcLs('IPV4                          NAME \n10.0.5.2, 10.0.3.7, 10.0.6.2 c1   \n');
  assert.deepEqual(rows.map((r) => [r.name, r.ipv4]), [['c1', ['10.0.5.2', '10.0.3.7', '10.0.6.2']]]);
});

test('a blank cell (not `-`) falls back to header offsets', () => {
  const text = 'NAME STATE   AUTOSTART GROUPS IPV4     IPV6 UNPRIVILEGED\nc1   RUNNING 0                10.0.5.2 -    false\n';
  const [row] = parseLxcLs(text);
  assert.equal(row.groups, '');
  assert.deepEqual(row.ipv4, ['10.0.5.2']);
  assert.equal(row.unprivileged, 'false');
});
