import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findMasqueradeRules, parseNftRuleset } from '../lib/parse/nft.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

test('real ruleset after one launch: one masquerade rule', () => {
  const tables = parseNftRuleset(sample('two-containers-one-pool/nft-ruleset.txt'));
  assert.deepEqual(tables, [{
    family: 'ip',
    name: 'nat',
    chains: [{
      name: 'postrouting',
      type: 'nat',
      hook: 'postrouting',
      priority: 'srcnat',
      policy: 'accept',
      rules: ['ip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade'],
    }],
  }]);
  assert.deepEqual(findMasqueradeRules(tables), [{
    family: 'ip',
    table: 'nat',
    chain: 'postrouting',
    saddr: '10.0.5.0/24',
    oifnameNot: 'pvbr0',
    raw: 'ip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade',
    source: { kind: 'ipv4', negated: false, intervals: [[167773440n, 167773695n]] },
  }]);
});

test('real ruleset after seven launches: seven duplicate rules are all kept', () => {
  const rules = findMasqueradeRules(parseNftRuleset(sample('static-ip-outside-subnet/nft-ruleset.txt')));
  assert.equal(rules.length, 7);
  assert.ok(rules.every((r) => r.saddr === '10.0.5.0/24' && r.oifnameNot === 'pvbr0' && r.oifname === undefined));
});

test('empty output → []', () => {
  assert.deepEqual(parseNftRuleset(''), []);
  assert.deepEqual(parseNftRuleset('\n'), []);
  assert.deepEqual(findMasqueradeRules([]), []);
});

test('iptables-nft rules, sets, maps, flowtables, several tables, nft -a handles', () => {
  const tables = parseNftRuleset(sample('nft/iptables-nft-and-sets.txt'));
  assert.deepEqual(tables.map((t) => `${t.family} ${t.name}`), ['ip filter', 'ip nat', 'inet pv_ipam', 'ip6 nat']);
  const [filter, nat, pvIpam, nat6] = tables;
  assert.deepEqual(filter.chains.map((c) => c.name), ['FORWARD']);
  assert.equal(filter.chains[0].policy, 'drop');
  assert.equal(filter.chains[0].priority, 'filter');
  assert.equal(filter.chains[0].rules.length, 3);
  assert.equal(filter.chains[0].rules[1], 'ct state { established, related } accept');
  assert.deepEqual(nat.chains.map((c) => [c.name, c.rules.length]), [['POSTROUTING', 3], ['DOCKER', 0]]);
  assert.equal(nat.chains[1].type, undefined, 'a regular chain has no hook');
  assert.deepEqual(pvIpam.chains.map((c) => c.name), ['forward'], 'flowtable skipped');
  assert.equal(pvIpam.chains[0].priority, '0');
  assert.deepEqual(nat6.chains[0].rules, ['ip6 saddr fd00::/64 iifname "pvbr0" masquerade random']);
  assert.equal(nat6.chains[0].priority, '100');

  const rules = findMasqueradeRules(tables);
  assert.deepEqual(rules.map((r) => [r.family, r.table, r.chain, r.saddr, r.oifname, r.oifnameNot, r.iifname]), [
    ['ip', 'nat', 'POSTROUTING', '10.0.5.0/24', undefined, 'pvbr0', undefined],
    ['ip', 'nat', 'POSTROUTING', '10.0.6.0/24', undefined, undefined, undefined],
    ['ip6', 'nat', 'postrouting', 'fd00::/64', undefined, undefined, 'pvbr0'],
  ]);
  assert.equal(rules[1].raw, 'ip saddr 10.0.6.0/24 counter packets 12 bytes 1008 xt target "MASQUERADE"');
});

test('a rule with a multi-line anonymous set stays one rule; CRLF tolerated', () => {
  const text = 'table inet f {\r\n\tchain c {\r\n\t\tip saddr {\r\n\t\t\t10.0.5.2,\r\n\t\t\t10.0.5.3 } oifname "eth0" masquerade\r\n\t\tcounter\r\n\t}\r\n}\r\n';
  const tables = parseNftRuleset(text);
  assert.deepEqual(tables[0].chains[0].rules, ['ip saddr { 10.0.5.2, 10.0.5.3 } oifname "eth0" masquerade', 'counter']);
  const [rule] = findMasqueradeRules(tables);
  assert.equal(rule.oifname, 'eth0');
});

test('truncated ruleset does not throw and keeps what was read', () => {
  const text = sample('static-ip-outside-subnet/nft-ruleset.txt').split('\n').slice(0, 5).join('\n');
  const rules = findMasqueradeRules(parseNftRuleset(text));
  assert.equal(rules.length, 2);
});
