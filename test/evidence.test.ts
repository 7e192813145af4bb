import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { longestLiteral, toEre } from '../lib/evidence/user-lines.ts';
import { shellQuote as shq } from '../lib/tooling/shell-quote.ts';
import { evaluateCheck, EVALUATORS, evidenceCommand, evidenceCommands, kindOf } from '../lib/checks/index.ts';
import { stateFromFiles } from '../lib/bundle/bundle.ts';
import { DEFAULTS } from '../lib/tooling/config.ts';
import { type Check, parsePlan, resolveStep } from '../lib/plan/scenarios.ts';

const paths = { container: 'pva-test', logFile: DEFAULTS.LOG_FILE, deviceJsonFile: DEFAULTS.DEVICE_JSON };
const LOG = '/var/pantavisor/storage/logs/0/pantavisor/pantavisor.log';
const plan = parsePlan(
  readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8'),
  readFileSync(new URL('../scenarios.schema.json', import.meta.url), 'utf8'),
);
const ev = (c: Record<string, unknown>) => evidenceCommand(<Check> { id: 'x', ...c } as Check, paths);

test('every check kind has an evidence command', () => {
  for (const kind of Object.keys(EVALUATORS)) assert.ok(kindOf(kind)?.evidence, `no evidence command for kind '${kind}' (lib/checks/${kind}.ts)`);
  assert.ok(kindOf('iptables-masquerade')?.evidence);
});

test('container, device.json, bridge, nft, iptables and ping evidence', () => {
  assert.equal(ev({ kind: 'container-state', container: 'pv-example-net-client', state: 'RUNNING' }), 'docker exec pva-test lxc-ls -f');
  assert.equal(ev({ kind: 'ips-unique' }), 'docker exec pva-test lxc-ls -f');
  assert.equal(ev({ kind: 'no-running-containers' }), 'docker exec pva-test lxc-ls -f');
  assert.equal(ev({ kind: 'container-ipv4', container: 'a', equals: '10.0.5.50' }), 'docker exec pva-test lxc-ls -f');
  assert.equal(ev({ kind: 'container-ipv4', container: 'a', inPool: 'internal' }), 'docker exec pva-test lxc-ls -f; docker exec pva-test cat /var/pantavisor/storage/trails/0/device.json');
  assert.equal(ev({ kind: 'device-json-pool', pool: 'internal' }), 'docker exec pva-test cat /var/pantavisor/storage/trails/0/device.json');
  assert.equal(ev({ kind: 'bridge-ipv4', interface: 'pvbr0', cidr: '10.0.5.1/24' }), 'docker exec pva-test ip addr show pvbr0');
  assert.equal(ev({ kind: 'nft-masquerade', count: { eq: 1 } }), 'docker exec pva-test nft list ruleset');
  assert.equal(ev({ kind: 'nft-nat-chain', family: 'ip', table: 'nat', chain: 'postrouting' }), 'docker exec pva-test nft list ruleset');
  assert.equal(ev({ kind: 'iptables-masquerade' }), 'docker exec pva-test iptables -t nat -S');
  assert.equal(ev({ kind: 'nft-rule', family: 'inet', table: 'pv_ipam', chain: 'forward', rule: 'drop', count: { eq: 1 } }), 'docker exec pva-test nft list ruleset');
  assert.equal(ev({ kind: 'container-not-running', container: 'pv-example-net-server' }), 'docker exec pva-test lxc-ls -f');
  assert.equal(ev({ kind: 'ping-loss', from: 'pv-example-net-server', to: '198.51.100.1', lossPercent: 0 }), 'docker exec pva-test pventer -c pv-example-net-server ping -c 2 198.51.100.1');
  assert.equal(evidenceCommand(<Check> { id: 'x', kind: 'container-state' }, { ...paths, container: 'my test' }), "docker exec 'my test' lxc-ls -f");
  assert.equal(ev({ kind: 'no-such-kind' }), 'docker exec -it pva-test sh');
  assert.deepEqual(evidenceCommands(<Check> { id: 'x', kind: 'ip-usable-in-pool', container: 'a', pool: 'p' }, paths), [
    'docker exec pva-test lxc-ls -f',
    'docker exec pva-test cat /var/pantavisor/storage/trails/0/device.json',
  ]);
});

test('log checks: grep -F with the text, grep -E with the regex as an ERE', () => {
  assert.equal(ev({ kind: 'log-contains', line: { level: 'INFO', module: 'ipam', text: 'IPAM subsystem initialized' } }), `docker exec pva-test grep -F 'IPAM subsystem initialized' ${LOG}`);
  assert.equal(ev({ kind: 'log-contains', line: { module: 'ipam', text: "added pool 'internal': type=bridge" } }), `docker exec pva-test grep -F "added pool 'internal': type=bridge" ${LOG}`);
  assert.equal(
    ev({ kind: 'log-contains', line: { module: 'ipam', regex: '^allocated 10\\.0\\.5\\.\\d+/24 to pv-example-net-client from pool internal$' } }),
    `docker exec pva-test grep -E 'allocated 10\\.0\\.5\\.[0-9]+/24 to pv-example-net-client from pool internal' ${LOG}`,
  );
  assert.equal(ev({ kind: 'log-absent', line: { module: 'ipam', regex: '^setup NAT \\(\\w+\\) for pool lab$' } }), `docker exec pva-test grep -E 'setup NAT \\([[:alnum:]_]+\\) for pool lab' ${LOG}`);
  // no text, no regex: the function or module prefix of the line
  assert.equal(ev({ kind: 'log-contains', line: { module: 'ipam', function: 'setup_nat' } }), `docker exec pva-test grep -F '(setup_nat:' ${LOG}`);
  assert.equal(ev({ kind: 'log-contains', line: { module: 'ipam' } }), `docker exec pva-test grep -F '[ipam]:' ${LOG}`);
});

test('a scenario that gathers a file its own way shows it that way; its log is grepped on the host', () => {
  const gather = { 'lxc-ls.txt': 'lxc-ls -f -F name,state,ipv4', 'pantavisor.log': 'cat /storage/logs/*/pantavisor/pantavisor.log' };
  const p = { ...paths, gather };
  assert.equal(evidenceCommand(<Check> { id: 'x', kind: 'container-state' }, p), "docker exec pva-test sh -c 'lxc-ls -f -F name,state,ipv4'");
  assert.equal(
    evidenceCommand(<Check> { id: 'x', kind: 'log-contains', line: { text: 'setup NAT' } }, p),
    "docker exec pva-test sh -c 'cat /storage/logs/*/pantavisor/pantavisor.log' | grep -F 'setup NAT'",
  );
  assert.equal(evidenceCommand(<Check> { id: 'x', kind: 'bridge-ipv4', interface: 'pvbr0' }, p), 'docker exec pva-test ip addr show pvbr0');
});

test('log-ordered: one grep with every line of the sequence', () => {
  assert.equal(ev({ kind: 'log-ordered', lines: [{ text: 'a b' }, { text: 'c' }] }), `docker exec pva-test grep -F -e 'a b' -e c ${LOG}`);
  assert.equal(ev({ kind: 'log-ordered', lines: [{ text: 'done.' }, { regex: '^x\\d$' }] }), `docker exec pva-test grep -E -e 'done\\.' -e 'x[0-9]' ${LOG}`);
  assert.equal(ev({ kind: 'log-ordered', lines: [{ text: 'same' }, { text: 'same' }] }), `docker exec pva-test grep -F same ${LOG}`);
});

test('ip-matches-log shows lxc-ls and the lines that assign an IP to the container', () => {
  assert.equal(
    ev({ kind: 'ip-matches-log', container: 'pv-example-net-server' }),
    `docker exec pva-test lxc-ls -f; docker exec pva-test grep -E '(allocated|reserved|reusing existing lease) .*pv-example-net-server' ${LOG}`,
  );
});

test('toEre translates what ERE has and refuses what it lacks', () => {
  assert.equal(toEre('^(state READY|a platform did not work as expected\\. Tearing down\\.\\.\\.)$'), '(state READY|a platform did not work as expected\\. Tearing down\\.\\.\\.)');
  assert.equal(toEre('^allocated \\S+ to x '), 'allocated [^[:space:]]+ to x ');
  assert.equal(toEre('(?:a|b)\\s\\d'), '(a|b)[[:space:]][0-9]');
  assert.equal(toEre('[\\d.]+/24'), '[0-9.]+/24');
  assert.equal(toEre('a(?=b)'), undefined);
  assert.equal(toEre('a(?<n>b)'), undefined);
  assert.equal(toEre('\\bword\\b'), undefined);
  assert.equal(toEre('(a)\\1'), undefined);
  assert.equal(toEre('a.*?b'), undefined);
  assert.equal(longestLiteral('^allocated \\S+ to pv-example-net-server from pool $'), ' to pv-example-net-server from pool ');
  assert.equal(longestLiteral('a\\.b(?=c)'), 'a.b');
  // a regex ERE cannot express still greps for its longest literal
  assert.equal(ev({ kind: 'log-absent', line: { regex: '\\bpv-example-ipam-nopool\\b' } }), `docker exec pva-test grep -F pv-example-ipam-nopool ${LOG}`);
});

test('shq quotes only what needs it', () => {
  assert.equal(shq('lxc-ls'), 'lxc-ls');
  assert.equal(shq('a b'), "'a b'");
  assert.equal(shq("it's"), `"it's"`);
  assert.equal(shq("it's $HOME"), "'it'\\''s $HOME'");
  assert.equal(shq('it\'s "x"'), `'it'\\''s "x"'`);
  assert.equal(shq('$(rm -rf /)'), "'$(rm -rf /)'");
});

// Every log check of the real plan, run as the evidence command against its fixture bundle,
// with the host's grep and with busybox grep (what a Yocto image has): a check that passes
// on the fixture must find its lines.
const greps: string[][] = [['sh', '-c']];
if (existsSync('/usr/bin/busybox') || existsSync('/bin/busybox')) greps.push(['busybox', 'sh', '-c']);

test('the log evidence of every check that passes on its fixture finds its lines (host grep and busybox grep)', () => {
  let ran = 0;
  for (const s of plan.scenarios) {
    const multi = s.steps.length > 1;
    for (const step of s.steps) {
      const dir = `test/fixtures/bundles/test-${s.id}${multi ? `/${step.id}` : ''}`;
      if (!existsSync(`${dir}/pantavisor.log`)) continue;
      const state = stateFromFiles({ 'pantavisor.log': readFileSync(`${dir}/pantavisor.log`, 'utf8') });
      for (const c of resolveStep(step, { EXTERNAL_HOST: '203.0.113.10' }).checks) {
        if (c.kind !== 'log-contains' && c.kind !== 'log-ordered') continue;
        if (c.kind === 'log-contains' && (c.count as { eq?: number } | undefined)?.eq === 0) continue;
        // only checks that pass on their fixture (an XFAIL or a skipped scenario's check does not)
        if (!evaluateCheck(c, { steps: { [step.id]: state }, step: step.id }).pass) continue;
        const cmd = evidenceCommand(c, paths);
        assert.ok(cmd.startsWith('docker exec pva-test grep '), cmd);
        const local = cmd.replace('docker exec pva-test ', '').replace(LOG, `${dir}/pantavisor.log`);
        for (const g of greps) {
          let out = '';
          try {
            out = execFileSync(g[0], [...g.slice(1), local], { encoding: 'utf8' });
          } catch (e) {
            assert.fail(`${c.id}: \`${local}\` (${g[0]}) exited ${(e as { status?: number }).status}: ${(e as { stderr?: string }).stderr ?? ''}`);
          }
          assert.ok(out.trim() !== '', `${c.id}: ${local} (${g[0]}) found nothing`);
        }
        ran++;
      }
    }
  }
  assert.ok(ran >= 20, `only ${ran} log checks ran`);
});
