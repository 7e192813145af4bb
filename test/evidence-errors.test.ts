/**
 * Evidence the parsers cannot read is never an empty state (issue 13, item 4): hostile
 * `lxc-ls -f`, `ip addr`, `nft list ruleset` and `iptables -t nat -S` outputs, and commands that
 * exited non-zero, make the checks reading them ERROR (exit 3), on the fixture bundles of the
 * tests that used to PASS or FAIL on them. Masquerade checks judge the addresses a rule covers.
 * Every case here PASSED or FAILED before (noted per test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stateFromFiles, unreadableEvidence } from '../lib/bundle/bundle.ts';
import { evaluateCheck } from '../lib/checks/index.ts';
import { readLxcLs } from '../lib/parse/lxc-ls.ts';
import { ipAddrProblem } from '../lib/parse/ip-addr.ts';
import { findMasqueradeRules, readNftRuleset } from '../lib/parse/nft.ts';
import { iptablesProblem, parseIptablesS } from '../lib/parse/iptables.ts';
import { coverage } from '../lib/source-match.ts';
import { checkLine, NO_COLORS } from '../lib/report/console.ts';
import { toJunit } from '../lib/report/junit.ts';
import { exitCodeOf, type RunReport, type ScenarioReport, summarize } from '../lib/report/model.ts';
import type { Check } from '../lib/plan/scenarios.ts';
import { bundle, type StepFiles, verdict } from './bundle-helpers.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

const HEADER = 'NAME                  STATE   AUTOSTART GROUPS IPV4     IPV6 UNPRIVILEGED ';
const RUNNING = 'pv-example-net-client RUNNING 0         -      10.0.5.2 -    false        ';

/** The single-step bundle of a test with some files replaced. */
function withFiles(id: string, files: StepFiles): Record<string, StepFiles> {
  const b = bundle(id);
  const step = Object.keys(b.files)[0];
  return { ...b.files, [step]: { ...b.files[step], ...files } };
}

const hostileLxcLs: [string, string][] = [
  [
    'an extra column lxc-ls does not print',
    'NAME                  STATE   AUTOSTART GROUPS IPV4     IPV6 UNPRIVILEGED MEMORY\n' +
    'pv-example-net-client RUNNING 0         -      10.0.5.2 -    false        12MB\n',
  ],
  ['an error text', 'sh: lxc-ls: not found\n'],
  ['a row with more cells than the header', `${HEADER}\n${RUNNING} extra\n`],
  ['a STATE lxc-ls does not print', `${HEADER}\npv-example-net-client ??? 0 - 10.0.5.2 - false\n`],
];

// before: each PASSED (t7/t8/inv/exh-no-container-running read "no containers") with a container RUNNING
for (const id of ['7', '8', 'invalid', 'pool-exhaustion']) {
  for (const [what, text] of hostileLxcLs) {
    test(`Test ${id}: lxc-ls -f with ${what} (a container RUNNING) is an ERROR, not PASSED`, () => {
      const j = verdict(id, withFiles(id, { 'lxc-ls.txt': text }), bundle(id).meta);
      assert.equal(j.status, 'error');
      const errors = j.checks.filter((c) => c.status === 'error');
      assert.ok(errors.some((c) => c.kind === 'no-running-containers'), JSON.stringify(j.checks.map((c) => [c.id, c.status])));
      for (const c of errors) assert.match(c.actual, /^lxc-ls\.txt not understood \(.*\): ".+"$/);
      assert.match(j.error!, /^evidence could not be read: /);
      // the checks that do not read lxc-ls are judged as usual
      assert.ok(j.checks.filter((c) => c.kind.startsWith('log-')).every((c) => c.status === 'pass'));
    });
  }
}

test('Test 1: an unrecognised lxc-ls is an ERROR of the run, not a FAIL blaming Pantavisor (before: FAILED)', () => {
  const j = verdict('1', withFiles('1', { 'lxc-ls.txt': hostileLxcLs[0][1] }), bundle('1').meta);
  assert.equal(j.status, 'error');
  assert.ok(!j.checks.some((c) => c.status === 'fail'), 'no FAIL line');
  assert.ok(j.checks.find((c) => c.id === 't1-client-running')?.status === 'error');
});

test('a warning line before a known lxc-ls header is read: the RUNNING container FAILS Test 7 (before: PASSED)', () => {
  const text = `lxc-ls: warning: lxcpath /usr/var/lib/lxc is not owned by root\n${HEADER}\n${RUNNING}\n`;
  assert.deepEqual(readLxcLs(text).rows.map((r) => [r.name, r.state]), [['pv-example-net-client', 'RUNNING']]);
  const j = verdict('7', withFiles('7', { 'lxc-ls.txt': text }), bundle('7').meta);
  assert.equal(j.status, 'failed');
  assert.equal(j.checks.find((c) => c.id === 't7-no-container-running')?.status, 'fail');
});

test('empty lxc-ls output is still "no containers" (lxc-ls prints nothing then); the real samples read', () => {
  assert.deepEqual(readLxcLs(''), { rows: [] });
  assert.equal(readLxcLs(sample('two-containers-one-pool/lxc-ls.txt')).problem, undefined);
  for (const f of ['stopped-and-multi-ip', 'shifted-columns-crlf', 'subset-columns']) assert.equal(readLxcLs(sample(`lxc-ls/${f}.txt`)).problem, undefined, f);
});

test('a command that exited non-zero makes its checks ERROR, offline too (exit-status.json); before: judged its output', () => {
  // lxc-ls printed a valid table, then exited 1: the table may be partial
  const files = { 'lxc-ls.txt': `${HEADER}\n`, 'exit-status.json': '{"lxc-ls.txt":1,"nft-ruleset.txt":0}\n' };
  const j = verdict('7', withFiles('7', files), bundle('7').meta);
  assert.equal(j.status, 'error');
  assert.match(j.checks.find((c) => c.id === 't7-no-container-running')!.actual, /^lxc-ls\.txt: its command exited 1, output "NAME/);
  // not found, or killed by the timeout, with nothing printed: the file is absent and says why
  assert.deepEqual(unreadableEvidence({ 'exit-status.json': '{"lxc-ls.txt":127,"nft-ruleset.txt":124}' }), {
    'lxc-ls.txt': 'lxc-ls.txt missing: command not found (exit 127)',
    'nft-ruleset.txt': 'nft-ruleset.txt missing: killed by its timeout (CMD_TIMEOUT), exit 124',
  });
  // a bundle from before exit-status.json: each file present counts as exit 0 (fixtures keep their verdicts)
  assert.deepEqual(unreadableEvidence(bundle('7').files.boot), {});
  assert.equal(verdict('7', bundle('7').files, bundle('7').meta).status, 'passed');
  // an exit-status.json that is not statuses makes the evidence unreadable rather than "exit 0"
  assert.match(unreadableEvidence({ 'lxc-ls.txt': '', 'exit-status.json': 'garbage' })['lxc-ls.txt'], /^exit-status\.json is not/);
});

test('ip addr: an error text or nothing at all is an ERROR for bridge-ipv4 (before: FAIL "no interface pvbr0")', () => {
  assert.equal(ipAddrProblem(sample('two-containers-one-pool/ip-addr.txt')), undefined);
  assert.equal(ipAddrProblem(sample('iproute2/ip-addr.txt')), undefined);
  for (const text of ['ip: RTNETLINK answers: Operation not permitted\n', '', 'sh: ip: not found\n']) {
    const j = verdict('1', withFiles('1', { 'ip-addr.txt': text }), bundle('1').meta);
    assert.equal(j.status, 'error', JSON.stringify(text));
    assert.equal(j.checks.find((c) => c.id === 't1-bridge-gateway')?.status, 'error');
  }
  assert.match(ipAddrProblem(`Warning: something\n${sample('two-containers-one-pool/ip-addr.txt')}`)!, /^text before the first interface/);
});

test('nft: an error text or a cut ruleset is an ERROR for the nft checks (before: "0 matching" PASSED eq-0 checks)', () => {
  const cut = sample('two-containers-one-pool/nft-ruleset.txt').split('\n').slice(0, 3).join('\n');
  for (const text of ['netlink: Error: cache initialization failed: Operation not permitted\n', 'sh: nft: not found\n', cut]) {
    assert.ok(readNftRuleset(text).problem, JSON.stringify(text));
    const j = verdict('3', withFiles('3', { 'nft-ruleset.txt': text }), bundle('3').meta);
    assert.equal(j.status, 'error');
    const t3 = (id: string) => j.checks.find((c) => c.id === id)?.status;
    assert.equal(t3('t3-nft-no-masquerade-lab-subnet'), 'error');
    assert.equal(t3('t3-nft-masquerade-internal'), 'error');
  }
  assert.equal(readNftRuleset('').problem, undefined, 'an empty ruleset prints nothing');
  assert.equal(readNftRuleset(sample('nft/iptables-nft-and-sets.txt')).problem, undefined, 'comments, sets, maps, flowtables');
});

// ---------------------------------------------------------------- masquerade: addresses, not text
const T3_NFT = bundle('3').files.boot['nft-ruleset.txt'];
const addRule = (rule: string) => T3_NFT.replace(/(\tip saddr 10\.0\.5\.0\/24 oifname != "pvbr0" masquerade\n)/, `$1\t\t${rule}\n`);
const setTable = 'table ip filter {\n\tset pools {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.0.5.0/24,\n\t\t\t     10.0.6.0/24 }\n\t}\n}\n';

// before: each PASSED t3-nft-no-masquerade-lab-subnet (it compared subnet text)
const coveringLab: [string, string][] = [
  ['a bare masquerade', 'oifname != "pvbr1" masquerade'],
  ['a wider prefix', 'ip saddr 10.0.0.0/16 masquerade'],
  ['a negation of the other pool', 'ip saddr != 10.0.5.0/24 masquerade'],
  ['an anonymous set', 'ip saddr { 10.0.5.0/24, 10.0.6.0/24 } masquerade'],
  ['a range', 'ip saddr 10.0.6.0-10.0.6.255 masquerade'],
  ['a prefix with host bits', 'ip saddr 10.0.6.7/24 counter packets 0 bytes 0 masquerade'],
  ['part of the pool', 'ip saddr 10.0.6.128/25 masquerade'],
];
for (const [what, rule] of coveringLab) {
  test(`Test 3: no masquerade for the lab pool FAILS on ${what}`, () => {
    const j = verdict('3', withFiles('3', { 'nft-ruleset.txt': addRule(rule) }), bundle('3').meta);
    assert.equal(j.checks.find((c) => c.id === 't3-nft-no-masquerade-lab-subnet')?.status, 'fail');
  });
}

test('Test 3: a named set holding the lab pool FAILS it; rules that do not cover it do not', () => {
  const named = (setTable + T3_NFT).replace(/(\tip saddr 10\.0\.5\.0\/24 oifname != "pvbr0" masquerade\n)/, '$1\t\tip saddr @pools masquerade\n');
  // the set is in another table: `@pools` of table ip nat is unknown → ERROR, not a guess
  assert.equal(verdict('3', withFiles('3', { 'nft-ruleset.txt': named }), bundle('3').meta).checks.find((c) => c.id === 't3-nft-no-masquerade-lab-subnet')?.status, 'error');
  const sameTable = T3_NFT.replace('table ip nat {\n', 'table ip nat {\n\tset pools {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.0.6.0/24 }\n\t}\n\n')
    .replace(/(\tip saddr 10\.0\.5\.0\/24 oifname != "pvbr0" masquerade\n)/, '$1\t\tip saddr @pools masquerade\n');
  assert.equal(verdict('3', withFiles('3', { 'nft-ruleset.txt': sameTable }), bundle('3').meta).checks.find((c) => c.id === 't3-nft-no-masquerade-lab-subnet')?.status, 'fail');
  for (const rule of ['ip saddr 10.0.7.0/24 masquerade', 'ip saddr != 10.0.6.0/24 oifname != "pvbr0" masquerade', 'ip6 saddr fd00::/64 masquerade', 'ip saddr 10.0.6.0/24 accept']) {
    const j = verdict('3', withFiles('3', { 'nft-ruleset.txt': addRule(rule) }), bundle('3').meta);
    assert.equal(j.checks.find((c) => c.id === 't3-nft-no-masquerade-lab-subnet')?.status, 'pass', rule);
  }
});

test('the positive masquerade check: a rule covering only part of the pool FAILS it; a wider one counts', () => {
  const check = { id: 'c', kind: 'nft-masquerade', subnet: '10.0.5.0/24', notOutputInterface: 'pvbr0', count: { eq: 1 } } as unknown as Check;
  const judge = (nft: string) => evaluateCheck(check, { steps: { boot: stateFromFiles({ 'nft-ruleset.txt': nft }) }, step: 'boot' });
  const ruleset = (rule: string) => `table ip nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\t${rule}\n\t}\n}\n`;
  assert.equal(judge(ruleset('ip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade')).pass, true);
  const half = judge(ruleset('ip saddr 10.0.5.0/25 oifname != "pvbr0" masquerade'));
  assert.equal(half.pass, false);
  assert.match(half.actual, /covering only part of 10\.0\.5\.0\/24/);
  assert.equal(judge(ruleset('ip saddr 10.0.0.0/8 oifname != "pvbr0" masquerade')).pass, true);
  assert.equal(judge(ruleset('ip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade\n\t\toifname != "pvbr0" masquerade')).pass, false, 'a second, bare rule also masquerades the pool');
  const odd = judge(ruleset('ip saddr . ip daddr { 10.0.5.0/24 . 1.2.3.4 } oifname != "pvbr0" masquerade'));
  assert.equal(odd.error, true, 'a source match not understood is an ERROR');
});

test('coverage on ip-num intervals', () => {
  const v4 = (negated: boolean, ...intervals: [number, number][]) => ({ kind: 'ipv4' as const, negated, intervals: intervals.map(([a, b]) => [BigInt(a), BigInt(b)] as [bigint, bigint]) });
  const base = 167773440; // 10.0.5.0
  assert.equal(coverage({ kind: 'any' }, '10.0.5.0/24'), 'all');
  assert.equal(coverage({ kind: 'not-ipv4' }, '10.0.5.0/24'), 'none');
  assert.equal(coverage(v4(false, [base, base + 127], [base + 100, base + 255]), '10.0.5.0/24'), 'all', 'overlapping pieces');
  assert.equal(coverage(v4(false, [base + 1, base + 255]), '10.0.5.0/24'), 'part');
  assert.equal(coverage(v4(true, [base, base + 255]), '10.0.5.0/24'), 'none');
  assert.equal(coverage(v4(true, [base + 256, base + 511]), '10.0.5.0/24'), 'all');
});

test('iptables: ! -s, a wider -s, no -s and --src-range are judged by address (before: ! -s and no -s matched nothing)', () => {
  const rules = parseIptablesS(
    '-P POSTROUTING ACCEPT\n-A POSTROUTING ! -s 10.0.5.0/24 -j MASQUERADE\n-A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE\n-A POSTROUTING -j MASQUERADE\n-A POSTROUTING -m iprange --src-range 10.0.6.1-10.0.6.9 -j MASQUERADE\n',
  );
  assert.deepEqual(rules.map((r) => coverage(r.source, '10.0.6.0/24')), ['all', 'all', 'all', 'part']);
  assert.deepEqual(rules.map((r) => coverage(r.source, '10.0.5.0/24')), ['none', 'all', 'all', 'none']);
  const check = { id: 'c', kind: 'iptables-masquerade', subnet: '10.0.6.0/24', count: { eq: 0 } } as unknown as Check;
  const o = evaluateCheck(check, { steps: { boot: stateFromFiles({ 'iptables-nat.txt': '-A POSTROUTING ! -s 10.0.5.0/24 -j MASQUERADE\n' }) }, step: 'boot' });
  assert.equal(o.pass, false);
  assert.match(iptablesProblem("iptables v1.8.9 (nf_tables): table `nat' is incompatible, use 'nft' tool.\n")!, /not -P\/-N\/-A/);
  assert.equal(iptablesProblem('# Warning: iptables-legacy tables present\n-P POSTROUTING ACCEPT\n'), undefined);
});

test('nft -j: the JSON of the real ruleset reads as the text does', () => {
  const json = JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6', json_schema_version: 1 } },
      { table: { family: 'ip', name: 'nat', handle: 1 } },
      { chain: { family: 'ip', table: 'nat', name: 'postrouting', handle: 1, type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' } },
      {
        rule: {
          family: 'ip',
          table: 'nat',
          chain: 'postrouting',
          handle: 2,
          expr: [
            { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr: '10.0.5.0', len: 24 } } } },
            { match: { op: '!=', left: { meta: { key: 'oifname' } }, right: 'pvbr0' } },
            { masquerade: null },
          ],
        },
      },
      { set: { family: 'ip', table: 'nat', name: 'pools', type: 'ipv4_addr', handle: 3, flags: ['interval'], elem: [{ prefix: { addr: '10.0.6.0', len: 24 } }, { range: ['10.0.7.1', '10.0.7.9'] }] } },
      {
        rule: {
          family: 'ip',
          table: 'nat',
          chain: 'postrouting',
          handle: 4,
          expr: [
            { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '@pools' } },
            { counter: { packets: 0, bytes: 0 } },
            { masquerade: null },
          ],
        },
      },
    ],
  });
  const read = readNftRuleset(json);
  assert.equal(read.problem, undefined);
  const text = readNftRuleset(sample('two-containers-one-pool/nft-ruleset.txt')).tables;
  assert.deepEqual(read.tables[0].chains[0].rules[0], text[0].chains[0].rules[0]);
  assert.deepEqual({ ...read.tables[0].chains[0], rules: [] }, { ...text[0].chains[0], rules: [] });
  const rules = findMasqueradeRules(read.tables);
  assert.deepEqual(rules.map((r) => coverage(r.source, '10.0.6.0/24')), ['none', 'all']);
  assert.match(readNftRuleset('{"nftables": [').problem!, /^not JSON/);
});

test('report: an ERROR check line, exit 3, summary and JUnit <error>', () => {
  const j = verdict('7', withFiles('7', { 'lxc-ls.txt': 'sh: lxc-ls: not found\n' }), bundle('7').meta);
  const s: ScenarioReport = { id: '7', title: 'Test 7', status: j.status, error: j.error, durationMs: 1, timings: {}, waits: [], checks: j.checks };
  const line = checkLine(j.checks.find((c) => c.status === 'error')!, NO_COLORS);
  assert.match(line, /^ERROR t7-no-container-running/);
  assert.match(line, /actual: {3}lxc-ls\.txt not understood \(no lxc-ls header \(NAME STATE \.\.\.\)\): "sh: lxc-ls: not found"/);
  assert.equal(exitCodeOf([s], []), 3);
  assert.equal(exitCodeOf([s], [2]), 3);
  const summary = summarize([s]);
  assert.equal(summary.checksErrors, 1);
  assert.equal(summary.errors, 1);
  const r: RunReport = { tool: 'pv-ipam-tests', version: 't', mode: 'snapshot', target: { name: 'x', label: 'x' }, startedAt: '', finishedAt: '', exitCode: 3, summary, scenarios: [s] };
  const xml = toJunit(r);
  assert.match(xml, /<testsuites [^>]*errors="1"/);
  assert.match(xml, /<error message="t7-no-container-running: evidence could not be read: lxc-ls\.txt not understood/);
  assert.ok(!xml.includes('name="run"'), 'the error is on the check, not an extra testcase');
});

test("a check reading another step (ip-unchanged) is an ERROR when that step's lxc-ls was unreadable; waits show why", () => {
  const good = stateFromFiles({ 'lxc-ls.txt': `${HEADER}\n${RUNNING}\n` });
  const bad = stateFromFiles({ 'lxc-ls.txt': 'sh: lxc-ls: not found\n' });
  const check = { id: 'c', kind: 'ip-unchanged', container: 'pv-example-net-client', from: 'baseline', to: 'after-start' } as unknown as Check;
  const o = evaluateCheck(check, { steps: { baseline: bad, 'after-start': good }, step: 'after-start' });
  assert.equal(o.error, true);
  assert.match(o.actual, /^baseline: lxc-ls\.txt not understood/);
  assert.equal(evaluateCheck(check, { steps: { baseline: good, 'after-start': good }, step: 'after-start' }).pass, true);
  // a readiness wait's "last seen" says the output was not understood, not "no containers"
  const state = { id: 'w', kind: 'container-state', container: 'pv-example-net-client', state: 'RUNNING' } as unknown as Check;
  assert.match(evaluateCheck(state, { steps: { boot: bad }, step: 'boot' }).actual, /^lxc-ls\.txt not understood/);
});
