/**
 * Issue 21, item 2: every parser states the shape it accepts; a field of another type or a value
 * out of range is "not understood", the value quoted, never read as absent or as a default.
 * (progress JSON: update-files.test.ts; lxc-ls states: evidence-errors.test.ts.) Each refusal
 * here was read on main: an inet line dropped, a device.json pool field of another type judged
 * as a plain mismatch, an nft JSON item of another shape skipped or String()-ed, a ping summary
 * beyond 100 % judged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceJsonProblem, stateFromFiles } from '../lib/bundle/bundle.ts';
import { ipAddrProblem } from '../lib/parse/ip-addr.ts';
import { readNftJson } from '../lib/parse/nft-json.ts';
import { parsePing, pingProblem } from '../lib/parse/ping.ts';
import { evaluateCheck } from '../lib/checks/index.ts';

const IP = (inet: string) => `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n    ${inet}\n`;

test('ip addr: an inet address or prefix that is not one is quoted, not dropped', () => {
  assert.equal(ipAddrProblem(IP('inet 127.0.0.1/8 scope host lo')), undefined);
  assert.equal(ipAddrProblem(IP('inet6 ::1/128 scope host')), undefined);
  assert.equal(ipAddrProblem(IP('inet 10.0.5.1/33 scope global pvbr0')), 'an inet prefix out of range 0..32: "33": "inet 10.0.5.1/33 scope global pvbr0"');
  assert.equal(ipAddrProblem(IP('inet 10.0.5.1/x scope global pvbr0')), 'an inet prefix out of range 0..32: "x": "inet 10.0.5.1/x scope global pvbr0"');
  assert.equal(ipAddrProblem(IP('inet 10.0.5.300/24 scope global pvbr0')), 'an inet address that is not one: "10.0.5.300": "inet 10.0.5.300/24 scope global pvbr0"');
  assert.equal(ipAddrProblem(IP('inet6 fe80::1/129 scope link')), 'an inet6 prefix out of range 0..128: "129": "inet6 fe80::1/129 scope link"');
  assert.equal(ipAddrProblem(IP('inet')), 'an inet line without an address: "inet"');
});

test('device.json: pools of another shape are quoted; the checks reading it are ERRORs, not FAILs', () => {
  const pool = { type: 'bridge', bridge: 'pvbr0', subnet: '10.0.5.0/24', gateway: '10.0.5.1', nat: true };
  const dev = (p: unknown) => ({ network: { pools: { internal: p } } });
  assert.equal(deviceJsonProblem(dev(pool)), undefined);
  assert.equal(deviceJsonProblem({}), undefined);
  assert.equal(deviceJsonProblem(dev({ ...pool, nat: 'yes' })), 'pool "internal": "nat" is not a boolean: "yes"');
  assert.equal(deviceJsonProblem(dev({ ...pool, subnet: ['10.0.5.0/24'] })), 'pool "internal": "subnet" is not a string: ["10.0.5.0/24"]');
  assert.equal(deviceJsonProblem(dev('internal')), 'pool "internal" is not an object: "internal"');
  assert.equal(deviceJsonProblem({ network: { pools: [1] } }), '"network.pools" is not an object: [1]');
  // a long value is cut at 80 characters
  assert.match(deviceJsonProblem({ network: { pools: [pool] } }) ?? '', /^"network\.pools" is not an object: \[\{"type":"bridge",.{40,}…$/);
  assert.equal(deviceJsonProblem({ network: 1 }), '"network" is not an object: 1');
  assert.equal(deviceJsonProblem([]), 'not a JSON object: []');
  const st = stateFromFiles({ 'device.json': JSON.stringify(dev({ ...pool, nat: 1 })) });
  assert.equal(st.unreadable['device.json'], `device.json not understood (pool "internal": "nat" is not a boolean: 1): ${JSON.stringify(JSON.stringify(dev({ ...pool, nat: 1 })))}`);
  const o = evaluateCheck({ id: 'p', kind: 'device-json-pool', pool: 'internal', nat: true } as never, { steps: { boot: st }, step: 'boot' });
  assert.deepEqual([o.pass, o.error], [false, true]);
  assert.match(stateFromFiles({ 'device.json': '{' }).unreadable['device.json'], /^device\.json not understood \(not JSON: /);
});

test('nft -j: an item of another shape is quoted, not skipped or turned into a string', () => {
  const doc = (...items: unknown[]) => JSON.stringify({ nftables: [{ metainfo: { version: '1.0.9' } }, { table: { family: 'ip', name: 'nat' } }, ...items] });
  const chain = { chain: { family: 'ip', table: 'nat', name: 'POSTROUTING', type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' } };
  const rule = { rule: { family: 'ip', table: 'nat', chain: 'POSTROUTING', expr: [{ masquerade: null }] } };
  const ok = readNftJson(doc(chain, rule));
  assert.equal(ok.problem, undefined);
  assert.deepEqual(ok.tables[0].chains[0].rules, ['masquerade']);
  const why = (...items: unknown[]) => readNftJson(doc(...items)).problem;
  assert.equal(
    why(chain, { rule: { ...rule.rule, expr: { masquerade: null } } }),
    'a rule "expr" is not an array: {"masquerade":null}: ' + JSON.stringify({ rule: { ...rule.rule, expr: { masquerade: null } } }),
  );
  assert.match(why(chain, { rule: { ...rule.rule, chain: 7 } }) ?? '', /^a rule "chain" is not a string: 7: /);
  assert.match(why({ chain: { ...chain.chain, name: ['POSTROUTING'] } }) ?? '', /^a chain "name" is not a string: \["POSTROUTING"\]: /);
  assert.match(why({ chain: { ...chain.chain, prio: [100] } }) ?? '', /^a chain "prio" is not a number: \[100\]: /);
  assert.match(why('masquerade') ?? '', /^an item that is not an object: "masquerade"/);
  assert.match(why({ table: { family: 'ip', name: null } }) ?? '', /^a table "name" is not a string: null: /);
  assert.match(why({ set: { family: 'ip', table: 'nat', name: 'pools', elem: '10.0.5.0/24' } }) ?? '', /^a set "elem" is not an array: "10\.0\.5\.0\/24": /);
});

test('ping: a summary ping cannot print is an ERROR of ping-loss, quoted', () => {
  const s = parsePing('2 packets transmitted, 2 packets received, 0% packet loss\n')!;
  assert.equal(pingProblem(s), undefined);
  assert.equal(pingProblem(parsePing('2 packets transmitted, 0 packets received, 150% packet loss')!), 'a packet loss out of range 0..100: 150%');
  assert.equal(pingProblem(parsePing('2 packets transmitted, 3 received, 0% packet loss, time 1001ms')!), 'more received (3) than transmitted (2)');
  const file = 'ping-pv-a-198.51.100.1.txt';
  const st = stateFromFiles({ [file]: 'PING 198.51.100.1\n2 packets transmitted, 0 packets received, 150% packet loss\n' });
  const o = evaluateCheck({ id: 'p', kind: 'ping-loss', from: 'pv-a', to: '198.51.100.1', lossPercent: 100 } as never, { steps: { boot: st }, step: 'boot' });
  assert.deepEqual([o.pass, o.error, o.actual], [false, true, `${file} not understood (a packet loss out of range 0..100: 150%): "2 packets transmitted, 0 packets received, 150% packet loss"`]);
});
