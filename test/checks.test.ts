import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { pingFileName, stateFromFiles, type StepState } from '../lib/bundle/bundle.ts';
import { type EvalContext, evaluateCheck, EVALUATORS, type Outcome } from '../lib/checks/index.ts';
import { assignedIp } from '../lib/checks/ip-matches-log.ts';
import { parsePvLog } from '../lib/parse/pv-log.ts';
import type { Check } from '../lib/plan/scenarios.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

// ---- builders ----

type Row = [name: string, state: string, ipv4?: string];

/** `lxc-ls -f` text in the real column layout. */
function lxcLs(rows: Row[]): string {
  const table = [['NAME', 'STATE', 'AUTOSTART', 'GROUPS', 'IPV4', 'IPV6', 'UNPRIVILEGED'], ...rows.map(([n, s, ip]) => [n, s, '0', '-', ip ?? '-', '-', 'false'])];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return table.map((r) => r.map((c, i) => c.padEnd(widths[i])).join(' ') + ' ').join('\n') + '\n';
}

function deviceJson(pools: Record<string, Record<string, unknown>>): string {
  return JSON.stringify({ network: { pools } });
}

const INTERNAL = { type: 'bridge', bridge: 'pvbr0', subnet: '10.0.5.0/24', gateway: '10.0.5.1', nat: true };

/** pantavisor.log lines: [level, module, function|undefined, message]. */
function pvLog(lines: [string, string, string | undefined, string][]): string {
  return lines.map(([lvl, mod, fn, msg]) => `[pantavisor] 1462 ${lvl}\t -- [${mod}]: ${fn ? `(${fn}:1) ` : ''}${msg}`).join('\n') + '\n';
}

/** A complete bundle (all FILES present, empty unless given). */
function state(files: Record<string, string | undefined>): StepState {
  const all: Record<string, string> = { 'lxc-ls.txt': '', 'device.json': deviceJson({ internal: INTERNAL }), 'pantavisor.log': '', 'ip-addr.txt': '', 'nft-ruleset.txt': '' };
  for (const [k, v] of Object.entries(files)) {
    if (v === undefined) delete all[k];
    else all[k] = v;
  }
  return stateFromFiles(all);
}

function ev(check: { kind: string } & Record<string, unknown>, st: StepState | Record<string, StepState>, step = 'boot'): Outcome {
  const steps = 'files' in st ? { [step]: st as StepState } : st as Record<string, StepState>;
  const ctx: EvalContext = { steps, step };
  const c = { id: 'c', ...check } as Check;
  // every evaluator is reachable through evaluateCheck and gives the same outcome directly
  const direct = EVALUATORS[c.kind](c, ctx);
  const viaIndex = evaluateCheck(c, ctx);
  assert.deepEqual(viaIndex, direct);
  return direct;
}

const TWO = lxcLs([['pv-a', 'RUNNING', '10.0.5.2'], ['pv-b', 'RUNNING', '10.0.5.3']]);

// ---- container-state ----

test('container-state: pass and fail', () => {
  assert.deepEqual(ev({ kind: 'container-state', container: 'pv-a', state: 'RUNNING' }, state({ 'lxc-ls.txt': TWO })), { pass: true, expected: 'pv-a RUNNING', actual: 'pv-a RUNNING' });
  const stopped = state({ 'lxc-ls.txt': lxcLs([['pv-a', 'STOPPED']]) });
  assert.deepEqual(ev({ kind: 'container-state', container: 'pv-a', state: 'RUNNING' }, stopped), { pass: false, expected: 'pv-a RUNNING', actual: 'pv-a STOPPED' });
  assert.equal(ev({ kind: 'container-state', container: 'pv-a', state: 'STOPPED' }, stopped).pass, true);
});

test('container-state: not listed, empty and missing lxc-ls', () => {
  assert.equal(ev({ kind: 'container-state', container: 'pv-c', state: 'RUNNING' }, state({ 'lxc-ls.txt': TWO })).actual, 'pv-c not listed (lxc-ls -f: pv-a RUNNING 10.0.5.2; pv-b RUNNING 10.0.5.3)');
  assert.equal(ev({ kind: 'container-state', container: 'pv-a', state: 'RUNNING' }, state({})).actual, 'pv-a not listed (lxc-ls -f lists no containers)');
  const o = ev({ kind: 'container-state', container: 'pv-a', state: 'RUNNING' }, state({ 'lxc-ls.txt': undefined }));
  assert.deepEqual(o, { pass: false, expected: 'pv-a RUNNING', actual: 'pv-a not listed (lxc-ls.txt missing)' });
});

// ---- container-ipv4 ----

test('container-ipv4 equals: an address, with or without prefix', () => {
  const st = state({ 'lxc-ls.txt': TWO });
  assert.deepEqual(ev({ kind: 'container-ipv4', container: 'pv-a', equals: '10.0.5.2' }, st), { pass: true, expected: 'pv-a IPv4 10.0.5.2', actual: 'pv-a IPv4 10.0.5.2' });
  assert.equal(ev({ kind: 'container-ipv4', container: 'pv-a', equals: '10.0.5.2/24' }, st).pass, true);
  const o = ev({ kind: 'container-ipv4', container: 'pv-a', equals: '10.0.5.50' }, st);
  assert.equal(o.pass, false);
  assert.equal(o.actual, 'pv-a IPv4 10.0.5.2');
});

test('container-ipv4 equals "-": a stopped row', () => {
  const st = state({ 'lxc-ls.txt': lxcLs([['pv-a', 'STOPPED'], ['pv-b', 'RUNNING', '10.0.5.3']]) });
  assert.deepEqual(ev({ kind: 'container-ipv4', container: 'pv-a', equals: '-' }, st), { pass: true, expected: 'pv-a IPv4 -', actual: 'pv-a IPv4 -' });
  const o = ev({ kind: 'container-ipv4', container: 'pv-b', equals: '-' }, st);
  assert.deepEqual(o, { pass: false, expected: 'pv-b IPv4 -', actual: 'pv-b IPv4 10.0.5.3' });
  // a container that is not listed at all does not count as "-"
  const gone = ev({ kind: 'container-ipv4', container: 'pv-c', equals: '-' }, st);
  assert.equal(gone.pass, false);
  assert.match(gone.actual, /^pv-c not listed \(lxc-ls -f: pv-a STOPPED -; pv-b RUNNING 10\.0\.5\.3\)$/);
});

test('container-ipv4 equals: two addresses are not one', () => {
  const st = state({ 'lxc-ls.txt': sample('lxc-ls/stopped-and-multi-ip.txt') });
  const o = ev({ kind: 'container-ipv4', container: 'pv-example-net-client', equals: '10.0.5.2' }, st);
  assert.equal(o.pass, false);
  assert.equal(o.actual, 'pv-example-net-client IPv4 10.0.5.2, 10.0.3.7');
  assert.equal(ev({ kind: 'container-ipv4', container: 'pv-example-net-server', equals: '-' }, st).pass, true);
});

test('container-ipv4 inPool: pass and fail', () => {
  const st = state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING', '10.0.5.2'], ['pv-x', 'RUNNING', '192.168.99.100'], ['pv-s', 'STOPPED']]) });
  assert.deepEqual(ev({ kind: 'container-ipv4', container: 'pv-a', inPool: 'internal' }, st), { pass: true, expected: "pv-a IPv4 in 10.0.5.0/24 (pool 'internal')", actual: 'pv-a IPv4 10.0.5.2' });
  assert.deepEqual(ev({ kind: 'container-ipv4', container: 'pv-x', inPool: 'internal' }, st), {
    pass: false,
    expected: "pv-x IPv4 in 10.0.5.0/24 (pool 'internal')",
    actual: 'pv-x IPv4 192.168.99.100',
  });
  assert.deepEqual(ev({ kind: 'container-ipv4', container: 'pv-s', inPool: 'internal' }, st), { pass: false, expected: "pv-s IPv4 in 10.0.5.0/24 (pool 'internal')", actual: 'pv-s IPv4 -' });
  const unknown = ev({ kind: 'container-ipv4', container: 'pv-a', inPool: 'lab' }, st);
  assert.equal(unknown.pass, false);
  assert.equal(unknown.actual, "pv-a IPv4 10.0.5.2; device.json has no pool 'lab'");
});

test('container-ipv4 inPool: device.json missing or not JSON', () => {
  const missing = ev({ kind: 'container-ipv4', container: 'pv-a', inPool: 'internal' }, state({ 'lxc-ls.txt': TWO, 'device.json': undefined }));
  assert.deepEqual(missing, { pass: false, expected: "pv-a IPv4 in pool 'internal'", actual: 'pv-a IPv4 10.0.5.2; device.json missing' });
  const bad = evaluateCheck({ id: 'c', kind: 'container-ipv4', container: 'pv-a', inPool: 'internal' } as Check, {
    steps: { boot: state({ 'lxc-ls.txt': TWO, 'device.json': '{"network":' }) },
    step: 'boot',
  });
  // not JSON: not understood, an ERROR quoting it (before: a FAIL)
  assert.deepEqual([bad.pass, bad.error], [false, true]);
  assert.match(bad.actual, /^device\.json not understood \(not JSON: .*\): "\{\\"network\\":"$/);
  const noPools = ev({ kind: 'container-ipv4', container: 'pv-a', inPool: 'internal' }, state({ 'lxc-ls.txt': TWO, 'device.json': '{}' }));
  assert.equal(noPools.actual, 'pv-a IPv4 10.0.5.2; device.json has no network.pools');
});

// ---- ip-usable-in-pool ----

test('ip-usable-in-pool: a usable host passes', () => {
  const o = ev({ kind: 'ip-usable-in-pool', container: 'pv-a', pool: 'internal' }, state({ 'lxc-ls.txt': TWO }));
  assert.equal(o.pass, true);
  assert.equal(o.actual, '10.0.5.2 in 10.0.5.0/24, gateway 10.0.5.1');
});

test('ip-usable-in-pool: gateway, broadcast, network and outside are flagged', () => {
  const st = state({
    'lxc-ls.txt': lxcLs([
      ['gw', 'RUNNING', '10.0.5.1'],
      ['bc', 'RUNNING', '10.0.5.255'],
      ['net', 'RUNNING', '10.0.5.0'],
      ['out', 'RUNNING', '192.168.99.100'],
      ['two', 'RUNNING', '10.0.5.4, 10.0.3.7'],
      ['off', 'STOPPED'],
    ]),
  });
  const check = (container: string) => ev({ kind: 'ip-usable-in-pool', container, pool: 'internal' }, st);
  assert.deepEqual([check('gw').pass, check('gw').actual], [false, "10.0.5.1 is the gateway of pool 'internal'"]);
  assert.deepEqual([check('bc').pass, check('bc').actual], [false, '10.0.5.255 is the broadcast address of 10.0.5.0/24']);
  assert.deepEqual([check('net').pass, check('net').actual], [false, '10.0.5.0 is the network address of 10.0.5.0/24']);
  assert.deepEqual([check('out').pass, check('out').actual], [false, '192.168.99.100 is outside 10.0.5.0/24 (10.0.5.0–10.0.5.255)']);
  assert.deepEqual([check('two').pass, check('two').actual], [false, '10.0.3.7 is outside 10.0.5.0/24 (10.0.5.0–10.0.5.255)']);
  assert.deepEqual([check('off').pass, check('off').actual], [false, 'off has no IPv4']);
  assert.deepEqual([check('none').pass, check('none').actual], [
    false,
    'none not listed (lxc-ls -f: gw RUNNING 10.0.5.1; bc RUNNING 10.0.5.255; net RUNNING 10.0.5.0; out RUNNING 192.168.99.100; two RUNNING 10.0.5.4,10.0.3.7; off STOPPED -)',
  ]);
  assert.match(check('gw').expected, /^gw IPv4 a usable host of pool 'internal'/);
});

test('ip-usable-in-pool: pool without gateway, device.json missing', () => {
  const noGw = state({ 'lxc-ls.txt': TWO, 'device.json': deviceJson({ internal: { subnet: '10.0.5.0/24' } }) });
  assert.equal(ev({ kind: 'ip-usable-in-pool', container: 'pv-a', pool: 'internal' }, noGw).actual, "device.json has no pool 'internal' with subnet and gateway");
  const missing = ev({ kind: 'ip-usable-in-pool', container: 'pv-a', pool: 'internal' }, state({ 'lxc-ls.txt': TWO, 'device.json': undefined }));
  assert.deepEqual([missing.pass, missing.actual], [false, 'device.json missing']);
});

// ---- ips-unique ----

test('ips-unique: distinct addresses pass', () => {
  const o = ev({ kind: 'ips-unique' }, state({ 'lxc-ls.txt': TWO }));
  assert.deepEqual(o, { pass: true, expected: 'every container has its own IPv4 address', actual: 'lxc-ls -f: pv-a RUNNING 10.0.5.2; pv-b RUNNING 10.0.5.3' });
});

test('ips-unique: a shared address names both holders', () => {
  const st = state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING', '10.0.5.2'], ['pv-b', 'RUNNING', '10.0.3.7, 10.0.5.2'], ['pv-c', 'RUNNING', '10.0.5.9']]) });
  const o = ev({ kind: 'ips-unique' }, st);
  assert.equal(o.pass, false);
  assert.equal(o.actual, '10.0.5.2 held by pv-a and pv-b');
});

test('ips-unique: fails when lxc-ls.txt is missing', () => {
  assert.deepEqual(ev({ kind: 'ips-unique' }, state({ 'lxc-ls.txt': undefined })), { pass: false, expected: 'every container has its own IPv4 address', actual: 'lxc-ls.txt missing' });
});

// ---- ip-matches-log ----

const ALLOC_A = ['INFO', 'ipam', 'pv_ipam_allocate', 'allocated 10.0.5.2/24 to pv-a from pool internal'] as [string, string, string, string];

test('assignedIp recognises the four log forms', () => {
  const l = (mod: string, msg: string) => parsePvLog(pvLog([['INFO', mod, 'f', msg]])).lines[0];
  assert.equal(assignedIp(l('ipam', 'allocated 10.0.5.2/24 to pv-a from pool internal'), 'pv-a'), '10.0.5.2/24');
  assert.equal(assignedIp(l('ipam', 'reusing existing lease for pv-a: 10.0.5.2/24'), 'pv-a'), '10.0.5.2/24');
  assert.equal(assignedIp(l('ipam', 'reserved 10.0.5.50 for pv-a in pool internal'), 'pv-a'), '10.0.5.50');
  assert.equal(assignedIp(l('ipam', "reserved static IP 10.0.3.2 (from pv-a) in pool 'pvcnet'"), 'pv-a'), '10.0.3.2');
  // other containers, other modules and other messages do not count
  assert.equal(assignedIp(l('ipam', 'allocated 10.0.5.2/24 to pv-ab from pool internal'), 'pv-a'), undefined);
  assert.equal(assignedIp(l('ipam', 'allocated 10.0.5.2/24 to pv-a from pool internal'), 'pv-'), undefined);
  assert.equal(assignedIp(l('platforms', 'allocated 10.0.5.2/24 to pv-a from pool internal'), 'pv-a'), undefined);
  assert.equal(assignedIp(l('ipam', 'reusing existing lease for pv.a: 10.0.5.2/24'), 'pvXa'), undefined);
  assert.equal(assignedIp(l('ipam', 'reusing existing lease for pv.a: 10.0.5.2/24'), 'pv.a'), '10.0.5.2/24');
});

test('ip-matches-log: allocated', () => {
  const st = state({ 'lxc-ls.txt': TWO, 'pantavisor.log': pvLog([ALLOC_A]) });
  const o = ev({ kind: 'ip-matches-log', container: 'pv-a' }, st);
  assert.equal(o.pass, true);
  assert.equal(o.actual, 'log assigned 10.0.5.2 (line 1); lxc-ls shows 10.0.5.2');
  const other = state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING', '10.0.5.9']]), 'pantavisor.log': pvLog([ALLOC_A]) });
  const f = ev({ kind: 'ip-matches-log', container: 'pv-a' }, other);
  assert.deepEqual([f.pass, f.actual], [false, 'log assigned 10.0.5.2 (line 1); lxc-ls shows 10.0.5.9']);
});

test('ip-matches-log: the last assignment counts (reusing after allocated)', () => {
  const log = pvLog([ALLOC_A, ['INFO', 'platforms', 'pv_platform_start', 'x'], ['DEBUG', 'ipam', 'pv_ipam_allocate', 'reusing existing lease for pv-a: 10.0.5.7/24']]);
  const o = ev({ kind: 'ip-matches-log', container: 'pv-a' }, state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING', '10.0.5.7']]), 'pantavisor.log': log }));
  assert.deepEqual([o.pass, o.actual], [true, 'log assigned 10.0.5.7 (line 3); lxc-ls shows 10.0.5.7']);
  const stale = ev({ kind: 'ip-matches-log', container: 'pv-a' }, state({ 'lxc-ls.txt': TWO, 'pantavisor.log': log }));
  assert.equal(stale.pass, false);
});

test('ip-matches-log: reserved (static PV_NETWORK_IP) and reserved static IP (baked)', () => {
  const log = pvLog([
    ['INFO', 'ipam', 'pv_ipam_reserve', 'reserved 10.0.5.50 for pv-valid in pool internal'],
    ['INFO', 'ipam', 'pv_ipam_reserve_static', "reserved static IP 10.0.3.2 (from pv-static) in pool 'pvcnet'"],
  ]);
  const st = state({ 'lxc-ls.txt': lxcLs([['pv-valid', 'RUNNING', '10.0.5.50'], ['pv-static', 'RUNNING', '10.0.3.2']]), 'pantavisor.log': log });
  assert.deepEqual(ev({ kind: 'ip-matches-log', container: 'pv-valid' }, st), {
    pass: true,
    expected: 'pv-valid IPv4 in lxc-ls equals the IP pantavisor.log last assigned to it',
    actual: 'log assigned 10.0.5.50 (line 1); lxc-ls shows 10.0.5.50',
  });
  assert.equal(ev({ kind: 'ip-matches-log', container: 'pv-static' }, st).actual, 'log assigned 10.0.3.2 (line 2); lxc-ls shows 10.0.3.2');
  assert.equal(ev({ kind: 'ip-matches-log', container: 'pv-static' }, st).pass, true);
});

test('ip-matches-log: no log line, stopped container, unlisted container', () => {
  const none = ev({ kind: 'ip-matches-log', container: 'pv-a' }, state({ 'lxc-ls.txt': TWO }));
  assert.deepEqual([none.pass, none.actual], [false, 'no allocated/reserved/reusing line for pv-a in pantavisor.log']);
  const stopped = ev({ kind: 'ip-matches-log', container: 'pv-a' }, state({ 'lxc-ls.txt': lxcLs([['pv-a', 'STOPPED']]), 'pantavisor.log': pvLog([ALLOC_A]) }));
  assert.deepEqual([stopped.pass, stopped.actual], [false, 'log assigned 10.0.5.2/24 (line 1); pv-a has no IPv4']);
  const gone = ev({ kind: 'ip-matches-log', container: 'pv-a' }, state({ 'pantavisor.log': pvLog([ALLOC_A]) }));
  assert.deepEqual([gone.pass, gone.actual], [false, 'log assigned 10.0.5.2/24 (line 1); lxc-ls -f lists no containers']);
});

test('ip-matches-log on the real two-containers sample', () => {
  const st = state({ 'lxc-ls.txt': sample('two-containers-one-pool/lxc-ls.txt'), 'pantavisor.log': sample('two-containers-one-pool/pantavisor.log') });
  for (const c of ['pv-example-net-client', 'pv-example-net-server']) assert.equal(ev({ kind: 'ip-matches-log', container: c }, st).pass, true, c);
});

// ---- ip-unchanged ----

test('ip-unchanged: same address across two steps', () => {
  const steps = {
    baseline: state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING', '10.0.5.2']]) }),
    'after-stop': state({ 'lxc-ls.txt': lxcLs([['pv-a', 'STOPPED']]) }),
    'after-start': state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING', '10.0.5.2']]) }),
  };
  const o = ev({ kind: 'ip-unchanged', container: 'pv-a', from: 'baseline', to: 'after-start' }, steps, 'after-start');
  assert.deepEqual(o, { pass: true, expected: 'pv-a keeps one and the same IPv4 from baseline to after-start', actual: 'baseline: 10.0.5.2; after-start: 10.0.5.2' });
  const s = ev({ kind: 'ip-unchanged', container: 'pv-a', from: 'baseline', to: 'after-stop' }, steps, 'after-start');
  assert.deepEqual([s.pass, s.actual], [false, 'baseline: 10.0.5.2; after-stop: -']);
});

test('ip-unchanged: a changed address or a missing step fails', () => {
  const steps = {
    baseline: state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING', '10.0.5.2']]) }),
    'after-start': state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING', '10.0.5.3']]) }),
  };
  const o = ev({ kind: 'ip-unchanged', container: 'pv-a', from: 'baseline', to: 'after-start' }, steps, 'after-start');
  assert.deepEqual([o.pass, o.actual], [false, 'baseline: 10.0.5.2; after-start: 10.0.5.3']);
  const m = ev({ kind: 'ip-unchanged', container: 'pv-a', from: 'baseline', to: 'later' }, steps, 'after-start');
  assert.deepEqual([m.pass, m.actual], [false, "baseline: 10.0.5.2; step 'later' not captured"]);
});

// ---- no-running-containers ----

test('no-running-containers', () => {
  const expected = 'no container running (every one listed STOPPED)';
  assert.deepEqual(ev({ kind: 'no-running-containers' }, state({})), { pass: true, expected, actual: 'lxc-ls -f lists no containers' });
  assert.equal(ev({ kind: 'no-running-containers' }, state({ 'lxc-ls.txt': lxcLs([['pv-a', 'STOPPED']]) })).pass, true);
  const o = ev({ kind: 'no-running-containers' }, state({ 'lxc-ls.txt': lxcLs([['pv-a', 'STOPPED'], ['pv-b', 'RUNNING', '10.0.5.3']]) }));
  assert.deepEqual([o.pass, o.actual], [false, 'not STOPPED: pv-b RUNNING']);
  assert.deepEqual(ev({ kind: 'no-running-containers' }, state({ 'lxc-ls.txt': undefined })), { pass: false, expected, actual: 'lxc-ls.txt missing' });
  // the real refusal sample: lxc-ls printed nothing
  assert.equal(ev({ kind: 'no-running-containers' }, state({ 'lxc-ls.txt': sample('static-ip-outside-subnet/lxc-ls.txt') })).pass, true);
});

test('"not running" is STOPPED: every other state lxc-ls prints counts as running (no-running-containers, container-not-running)', () => {
  for (const st of ['RUNNING', 'STARTING', 'FROZEN', 'STOPPING', 'ABORTING', 'FREEZING', 'THAWED']) {
    const lxc = state({ 'lxc-ls.txt': lxcLs([['pv-a', 'STOPPED'], ['pv-b', st]]) });
    const none = ev({ kind: 'no-running-containers' }, lxc);
    assert.deepEqual([none.pass, none.actual], [false, `not STOPPED: pv-b ${st}`], st);
    assert.deepEqual(none.observed, { present: [{ name: 'pv-b', state: st }] });
    // not final: a stop under way is waited for within the step's deadline (lib/run/settle.ts)
    assert.equal(none.final, undefined);
    const one = ev({ kind: 'container-not-running', container: 'pv-b' }, lxc);
    assert.deepEqual([one.pass, one.actual], [false, `pv-b ${st}`], st);
  }
  assert.equal(ev({ kind: 'container-not-running', container: 'pv-a' }, state({ 'lxc-ls.txt': lxcLs([['pv-a', 'STOPPED']]) })).pass, true);
  assert.equal(ev({ kind: 'container-not-running', container: 'pv-z' }, state({ 'lxc-ls.txt': lxcLs([['pv-a', 'RUNNING']]) })).pass, true);
});

// ---- device-json-pool ----

test('device-json-pool: pass and fail', () => {
  const want = { kind: 'device-json-pool', pool: 'internal', subnet: '10.0.5.0/24', bridge: 'pvbr0', gateway: '10.0.5.1', nat: true };
  const o = ev(want, state({}));
  assert.equal(o.pass, true);
  assert.equal(o.expected, 'network.pools.internal {"subnet":"10.0.5.0/24","bridge":"pvbr0","gateway":"10.0.5.1","nat":true}');
  const wrong = ev({ ...want, nat: false }, state({}));
  assert.equal(wrong.pass, false);
  assert.equal(wrong.actual, `network.pools.internal ${JSON.stringify(INTERNAL)}`);
  const other = ev({ ...want, pool: 'lab' }, state({}));
  assert.deepEqual([other.pass, other.actual], [false, 'pools are: internal']);
  assert.deepEqual([ev(want, state({ 'device.json': undefined })).pass, ev(want, state({ 'device.json': undefined })).actual], [false, 'device.json missing']);
  assert.equal(ev({ kind: 'device-json-pool', pool: 'internal' }, state({})).pass, true);
});

// ---- bridge-ipv4 ----

test('bridge-ipv4: pass and fail', () => {
  const st = state({ 'ip-addr.txt': sample('two-containers-one-pool/ip-addr.txt') });
  assert.deepEqual(ev({ kind: 'bridge-ipv4', interface: 'pvbr0', cidr: '10.0.5.1/24' }, st), { pass: true, expected: 'pvbr0 with inet 10.0.5.1/24', actual: 'pvbr0 inet 10.0.5.1/24' });
  const wrong = ev({ kind: 'bridge-ipv4', interface: 'pvbr0', cidr: '10.0.6.1/24' }, st);
  assert.deepEqual([wrong.pass, wrong.actual], [false, 'pvbr0 inet 10.0.5.1/24']);
  const none = ev({ kind: 'bridge-ipv4', interface: 'pvbr1', cidr: '10.0.6.1/24' }, st);
  assert.equal(none.pass, false);
  assert.match(none.actual, /^no interface pvbr1 \(interfaces: lo, lxcbr0, pvbr0, /);
  assert.equal(ev({ kind: 'bridge-ipv4', interface: 'pvbr0', cidr: '10.0.5.1/24' }, state({ 'ip-addr.txt': undefined })).actual, 'ip-addr.txt missing');
});

// ---- nft-masquerade ----

const DUP_NFT = sample('static-ip-outside-subnet/nft-ruleset.txt');
const ONE_NFT = sample('two-containers-one-pool/nft-ruleset.txt');

test('nft-masquerade: a single rule', () => {
  const o = ev({ kind: 'nft-masquerade', subnet: '10.0.5.0/24', notOutputInterface: 'pvbr0', count: { eq: 1 } }, state({ 'nft-ruleset.txt': ONE_NFT }));
  assert.equal(o.pass, true);
  assert.equal(o.expected, 'exactly 1 masquerade rule(s) applying to 10.0.5.0/24 oifname != "pvbr0"');
  assert.match(o.actual, /^1 matching; all masquerade rules: nat\/postrouting: ip saddr 10\.0\.5\.0\/24 oifname != "pvbr0" masquerade$/);
  // table/chain restriction, and a subnet written with host bits
  assert.equal(ev({ kind: 'nft-masquerade', table: 'nat', chain: 'postrouting', subnet: '10.0.5.7/24', count: { ge: 1 } }, state({ 'nft-ruleset.txt': ONE_NFT })).pass, true);
  assert.equal(ev({ kind: 'nft-masquerade', table: 'filter', subnet: '10.0.5.0/24', count: { ge: 1 } }, state({ 'nft-ruleset.txt': ONE_NFT })).pass, false);
});

test('nft-masquerade: duplicates are counted', () => {
  const o = ev({ kind: 'nft-masquerade', subnet: '10.0.5.0/24', notOutputInterface: 'pvbr0', count: { eq: 1 } }, state({ 'nft-ruleset.txt': DUP_NFT }));
  assert.equal(o.pass, false);
  assert.match(o.actual, /^7 matching; /);
  assert.equal(o.actual.split(' | ').length, 7);
  assert.equal(ev({ kind: 'nft-masquerade', subnet: '10.0.5.0/24', count: { ge: 1 } }, state({ 'nft-ruleset.txt': DUP_NFT })).pass, true);
});

test('nft-masquerade: eq 0', () => {
  const other = ev({ kind: 'nft-masquerade', subnet: '10.0.6.0/24', count: { eq: 0 } }, state({ 'nft-ruleset.txt': ONE_NFT }));
  assert.equal(other.pass, true);
  assert.equal(other.expected, 'exactly 0 masquerade rule(s) applying to 10.0.6.0/24');
  assert.equal(ev({ kind: 'nft-masquerade', notOutputInterface: 'pvbr1', count: { eq: 0 } }, state({ 'nft-ruleset.txt': ONE_NFT })).pass, true);
  const present = ev({ kind: 'nft-masquerade', notOutputInterface: 'pvbr0', count: { eq: 0 } }, state({ 'nft-ruleset.txt': ONE_NFT }));
  assert.equal(present.pass, false);
  // an empty ruleset has none
  const empty = ev({ kind: 'nft-masquerade', subnet: '10.0.5.0/24', count: { eq: 0 } }, state({}));
  assert.deepEqual([empty.pass, empty.actual], [true, '0 matching; all masquerade rules: none']);
  // a missing nft-ruleset.txt proves nothing, even for eq 0
  const missing = ev({ kind: 'nft-masquerade', subnet: '10.0.6.0/24', count: { eq: 0 } }, state({ 'nft-ruleset.txt': undefined }));
  assert.deepEqual([missing.pass, missing.actual], [false, 'nft-ruleset.txt missing']);
});

// ---- nft-nat-chain ----

test('nft-nat-chain: pass and fail', () => {
  const st = state({ 'nft-ruleset.txt': ONE_NFT });
  const want = { kind: 'nft-nat-chain', family: 'ip', table: 'nat', chain: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat' };
  assert.deepEqual(ev(want, st), {
    pass: true,
    expected: 'table ip nat chain postrouting type nat hook postrouting priority srcnat',
    actual: 'table ip nat chain postrouting type nat hook postrouting priority srcnat',
  });
  assert.equal(ev({ kind: 'nft-nat-chain', family: 'ip', table: 'nat', chain: 'postrouting' }, st).pass, true);
  const prio = ev({ ...want, priority: '100' }, st);
  assert.deepEqual([prio.pass, prio.actual], [false, 'table ip nat chain postrouting type nat hook postrouting priority srcnat']);
  const fam = ev({ ...want, family: 'inet' }, st);
  assert.deepEqual([fam.pass, fam.actual], [false, 'tables: ip nat {postrouting}']);
  const chain = ev({ ...want, chain: 'prerouting' }, st);
  assert.deepEqual([chain.pass, chain.actual], [false, 'tables: ip nat {postrouting}']);
  assert.deepEqual([ev(want, state({})).pass, ev(want, state({})).actual], [false, 'tables: none']);
});

// ---- ping-loss ----

test('ping-loss: 0% and 100%', () => {
  const ok = pingFileName('pv-a', '10.0.5.3');
  const lost = pingFileName('pv-a', '203.0.113.10');
  const st = state({ [ok]: sample('ping/busybox-success.txt'), [lost]: sample('ping/busybox-loss.txt') });
  assert.deepEqual(ev({ kind: 'ping-loss', from: 'pv-a', to: '10.0.5.3', lossPercent: 0 }, st), {
    pass: true,
    expected: 'pv-a → 10.0.5.3: 0% packet loss',
    actual: '2 transmitted, 2 received, 0% packet loss',
  });
  assert.equal(ev({ kind: 'ping-loss', from: 'pv-a', to: '203.0.113.10', lossPercent: 100 }, st).pass, true);
  const wrong = ev({ kind: 'ping-loss', from: 'pv-a', to: '203.0.113.10', lossPercent: 0 }, st);
  assert.deepEqual([wrong.pass, wrong.actual], [false, '2 transmitted, 0 received, 100% packet loss']);
});

test('ping-loss: missing file and "no container found"', () => {
  const missing = ev({ kind: 'ping-loss', from: 'pv-a', to: '10.0.5.3', lossPercent: 0 }, state({}));
  assert.deepEqual(missing, { pass: false, expected: 'pv-a → 10.0.5.3: 0% packet loss', actual: 'ping-pv-a-10.0.5.3.txt missing' });
  const gone = ev({ kind: 'ping-loss', from: 'pv-a', to: '10.0.5.3', lossPercent: 100 }, state({ [pingFileName('pv-a', '10.0.5.3')]: 'no container found: pv-a\n' }));
  assert.deepEqual([gone.pass, gone.actual], [false, 'no ping summary: no container found: pv-a']);
  const empty = ev({ kind: 'ping-loss', from: 'pv-a', to: '10.0.5.3', lossPercent: 100 }, state({ [pingFileName('pv-a', '10.0.5.3')]: '' }));
  assert.deepEqual([empty.pass, empty.actual], [false, 'no ping summary: (no output)']);
});

// ---- log-contains / log-absent / log-ordered ----

const LOG = pvLog([
  ['INFO', 'ipam', 'pv_ipam_init', 'IPAM subsystem initialized'],
  ALLOC_A,
  ['INFO', 'ipam', 'pv_ipam_allocate', 'allocated 10.0.5.3/24 to pv-b from pool internal'],
  ['ERROR', 'platforms', 'pv_platform_start', "failed to reserve static IP 192.168.99.100 for platform 'pv-x'"],
  ['ERROR', 'controller', '_pv_wait', 'a platform did not work as expected. Tearing down...'],
]);

test('log-contains: default at least one', () => {
  const o = ev({ kind: 'log-contains', line: { module: 'ipam', text: 'IPAM subsystem initialized' } }, state({ 'pantavisor.log': LOG }));
  assert.deepEqual(o, {
    pass: true,
    expected: 'at least 1 line(s) [ipam] "IPAM subsystem initialized"',
    actual: '1: #1 INFO [ipam] pv_ipam_init: IPAM subsystem initialized',
  });
  const none = ev({ kind: 'log-contains', line: { text: 'setup NAT' } }, state({ 'pantavisor.log': LOG }));
  assert.deepEqual([none.pass, none.actual], [false, 'none in 5 log lines']);
});

test('log-contains: count', () => {
  const st = state({ 'pantavisor.log': LOG });
  assert.equal(ev({ kind: 'log-contains', line: { regex: '^allocated ' }, count: { eq: 2 } }, st).pass, true);
  const one = ev({ kind: 'log-contains', line: { regex: '^allocated ' }, count: { eq: 1 } }, st);
  assert.equal(one.pass, false);
  assert.equal(one.expected, 'exactly 1 line(s) /^allocated /');
  assert.equal(one.actual, '2: #2 INFO [ipam] pv_ipam_allocate: allocated 10.0.5.2/24 to pv-a from pool internal | #3 INFO [ipam] pv_ipam_allocate: allocated 10.0.5.3/24 to pv-b from pool internal');
  assert.equal(ev({ kind: 'log-contains', line: { level: 'ERROR' }, count: { le: 1 } }, st).pass, false);
  assert.equal(ev({ kind: 'log-contains', line: { level: 'ERROR' }, count: { ge: 2, le: 2 } }, st).pass, true);
  // more than three are summarised
  const many = ev({ kind: 'log-contains', line: {} as never, count: { ge: 1 } }, st);
  assert.match(many.actual, /^5: .* \| … \(2 more\)$/);
});

test('log-contains: missing log', () => {
  const o = ev({ kind: 'log-contains', line: { text: 'x' } }, state({ 'pantavisor.log': undefined }));
  assert.deepEqual([o.pass, o.actual], [false, 'pantavisor.log missing']);
});

test('log-contains: eq 0 does not pass when pantavisor.log is missing', () => {
  const o = ev({ kind: 'log-contains', line: { text: 'x' }, count: { eq: 0 } }, state({ 'pantavisor.log': undefined }));
  assert.equal(o.pass, false);
});

test('log-absent: pass, fail, missing log', () => {
  const st = state({ 'pantavisor.log': LOG });
  assert.deepEqual(ev({ kind: 'log-absent', line: { text: 'failed to setup NAT' } }, st), { pass: true, expected: 'no line "failed to setup NAT"', actual: 'none in 5 log lines' });
  const o = ev({ kind: 'log-absent', line: { level: 'ERROR' } }, st);
  assert.equal(o.pass, false);
  assert.equal(o.expected, 'no line ERROR (any message)');
  assert.equal(
    o.actual,
    "2: #4 ERROR [platforms] pv_platform_start: failed to reserve static IP 192.168.99.100 for platform 'pv-x' | #5 ERROR [controller] _pv_wait: a platform did not work as expected. Tearing down...",
  );
  const missing = ev({ kind: 'log-absent', line: { text: 'x' } }, state({ 'pantavisor.log': undefined }));
  assert.deepEqual([missing.pass, missing.actual], [false, 'pantavisor.log missing']);
});

test('log-ordered: in order', () => {
  const o = ev({ kind: 'log-ordered', lines: [{ module: 'platforms', text: 'failed to reserve static IP' }, { text: 'Tearing down' }] }, state({ 'pantavisor.log': LOG }));
  assert.deepEqual(o, {
    pass: true,
    expected: 'in order within one launch: (1) [platforms] "failed to reserve static IP" → (2) "Tearing down"',
    actual: 'found at lines 4, 5',
  });
});

test('log-ordered: out of order and never', () => {
  const st = state({ 'pantavisor.log': LOG });
  const rev = ev({ kind: 'log-ordered', lines: [{ text: 'Tearing down' }, { text: 'failed to reserve static IP' }] }, st);
  assert.equal(rev.pass, false);
  assert.equal(
    rev.actual,
    '(2) "failed to reserve static IP" occurs only out of order (checked in each of 1 launch(es)) after line 5; matched so far: (1) #5 ERROR [controller] _pv_wait: a platform did not work as expected. Tearing down...',
  );
  const never = ev({ kind: 'log-ordered', lines: [{ text: 'never' }, { text: 'Tearing down' }] }, st);
  assert.deepEqual([never.pass, never.actual], [false, '(1) "never" never occurs']);
});

test('log-ordered on the real refusal sample', () => {
  const st = state({ 'pantavisor.log': sample('static-ip-outside-subnet/pantavisor.log') });
  const o = ev({
    kind: 'log-ordered',
    lines: [
      { level: 'ERROR', module: 'platforms', text: 'failed to reserve static IP' },
      { level: 'ERROR', module: 'platforms', text: 'failed IPAM network validation' },
      { level: 'ERROR', module: 'state', text: 'could not be started' },
      { level: 'ERROR', module: 'controller', text: 'Tearing down' },
    ],
  }, st);
  assert.equal(o.pass, true);
  assert.match(o.actual, /^found at lines \d+, \d+, \d+, \d+$/);
  // the refusal repeats in 7 launches: the reverse order must not match across them
  const reversed = ev({
    kind: 'log-ordered',
    lines: [
      { level: 'ERROR', module: 'controller', text: 'Tearing down' },
      { level: 'ERROR', module: 'platforms', text: 'failed to reserve static IP' },
    ],
  }, st);
  assert.equal(reversed.pass, false);
  assert.match(reversed.actual, /occurs only out of order \(checked in each of 7 launch\(es\)\)/);
});

// ---- evaluateCheck ----

test('evaluateCheck: an unknown kind is a failure', () => {
  const o = evaluateCheck({ id: 'x', kind: 'container-colour' } as unknown as Check, { steps: { boot: state({}) }, step: 'boot' });
  assert.deepEqual(o, { pass: false, expected: 'a known check kind', actual: "unknown kind 'container-colour'" });
});

test('evaluateCheck: an evaluator that throws is a failure', () => {
  const st = state({ 'lxc-ls.txt': TWO, 'device.json': deviceJson({ internal: { subnet: 'garbage', gateway: '10.0.5.1' } }) });
  const o = evaluateCheck({ id: 'x', kind: 'container-ipv4', container: 'pv-a', inPool: 'internal' } as Check, { steps: { boot: st }, step: 'boot' });
  assert.deepEqual(o, { pass: false, expected: 'check could be evaluated', actual: 'error: invalid subnet CIDR: garbage' });
  const u = evaluateCheck({ id: 'x', kind: 'ip-usable-in-pool', container: 'pv-a', pool: 'internal' } as Check, { steps: { boot: st }, step: 'boot' });
  assert.equal(u.pass, false);
  assert.equal(u.actual, 'error: invalid subnet CIDR: garbage');
  // a step that was never captured
  const none = evaluateCheck({ id: 'x', kind: 'container-state', container: 'pv-a', state: 'RUNNING' } as Check, { steps: {}, step: 'boot' });
  assert.equal(none.pass, false);
  assert.match(none.actual, /^error: /);
});

// ---- container-not-running ----

test('container-not-running: absent or stopped passes, RUNNING fails, no lxc-ls fails', () => {
  const c = { kind: 'container-not-running', container: 'pv-example-ipam-valid' };
  assert.equal(ev(c, state({ 'lxc-ls.txt': '' })).pass, true);
  assert.equal(ev(c, state({ 'lxc-ls.txt': lxcLs([['pv-example-ipam-valid', 'STOPPED']]) })).pass, true);
  const r = ev(c, state({ 'lxc-ls.txt': lxcLs([['pv-example-ipam-collision', 'RUNNING', '10.0.5.50'], ['pv-example-ipam-valid', 'RUNNING', '10.0.5.50']]) }));
  assert.equal(r.pass, false);
  assert.equal(r.actual, 'pv-example-ipam-valid RUNNING');
  assert.equal(ev(c, state({ 'lxc-ls.txt': undefined })).pass, false);
});

// ---- iptables-masquerade ----

// `iptables -t nat -S` as observed on a real build with the iptables fallback (observed §5)
const IPTABLES_NAT = '-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n-P OUTPUT ACCEPT\n-P POSTROUTING ACCEPT\n-A POSTROUTING -s 10.0.5.0/24 ! -o pvbr0 -j MASQUERADE\n';

test('iptables-masquerade: counts MASQUERADE rules by source and ! -o', () => {
  const c = { kind: 'iptables-masquerade', chain: 'POSTROUTING', subnet: '10.0.5.0/24', notOutputInterface: 'pvbr0', count: { eq: 1 } };
  const ok = ev(c, state({ 'iptables-nat.txt': IPTABLES_NAT }));
  assert.equal(ok.pass, true, ok.actual);
  assert.equal(ok.expected, 'exactly 1 MASQUERADE rule(s) -A POSTROUTING applying to 10.0.5.0/24 ! -o pvbr0');
  const twice = ev(c, state({ 'iptables-nat.txt': IPTABLES_NAT + '-A POSTROUTING -s 10.0.5.0/24 ! -o pvbr0 -j MASQUERADE\n' }));
  assert.equal(twice.pass, false);
  assert.match(twice.actual, /^2 matching/);
  const none = ev({ ...c, count: { ge: 1 } }, state({ 'iptables-nat.txt': '-P POSTROUTING ACCEPT\n' }));
  assert.equal(none.pass, false);
  assert.match(none.actual, /0 matching; all MASQUERADE rules: none/);
  const other = ev({ ...c, count: { ge: 1 } }, state({ 'iptables-nat.txt': '-A POSTROUTING -s 10.0.6.0/24 ! -o pvbr1 -j MASQUERADE\n' }));
  assert.equal(other.pass, false);
  const missing = ev(c, state({}));
  assert.equal(missing.pass, false);
  assert.match(missing.actual, /iptables-nat\.txt missing/);
});

// ---- nft-rule ----

// the feature/ipam-isolation build's forward chain (observed §10)
const ISOLATION_NFT = `table ip nat {
\tchain postrouting {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\tip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade
\t}
}
table inet pv_ipam {
\tchain forward {
\t\ttype filter hook forward priority filter; policy accept;
\t\tct state established,related accept
\t\tiifname "pvbr0" oifname "pvbr1" drop
\t\tiifname "pvbr1" oifname "pvbr0" drop
\t}
}
`;

test('nft-rule: a rule in a given table and chain', () => {
  const c = { kind: 'nft-rule', family: 'inet', table: 'pv_ipam', chain: 'forward', rule: 'iifname "pvbr0" oifname "pvbr1" drop', count: { eq: 1 } };
  assert.equal(ev(c, state({ 'nft-ruleset.txt': ISOLATION_NFT })).pass, true);
  const head = ev(c, state({ 'nft-ruleset.txt': sample('two-containers-one-pool/nft-ruleset.txt') }));
  assert.equal(head.pass, false);
  assert.match(head.actual, /^no table inet pv_ipam \(tables: ip nat\)/);
  const empty = ISOLATION_NFT.replace(/\t\tiifname.*\n/g, '');
  const r = ev(c, state({ 'nft-ruleset.txt': empty }));
  assert.equal(r.pass, false);
  assert.equal(r.actual, '0 matching; chain forward: ct state established,related accept');
  assert.equal(ev({ ...c, count: { eq: 0 } }, state({ 'nft-ruleset.txt': empty })).pass, true);
  assert.equal(ev(c, state({ 'nft-ruleset.txt': undefined })).pass, false);
});

// ---- log-ordered acrossLaunches ----

test('log-ordered acrossLaunches: a sequence that spans a relaunch (auto-recovery)', () => {
  const launch = (lines: [string, string, string | undefined, string][]) => pvLog([['DEBUG', 'logserver', undefined, 'starting logserver loop'], ...lines]);
  const log = launch([
    ['INFO', 'ipam', 'pv_ipam_allocate', 'allocated 10.0.5.2/24 to pv-example-net-server from pool internal'],
    ['INFO', 'platforms', 'pv_platform_set_status', "platform 'pv-example-net-server' status is now STOPPED"],
    ['ERROR', 'state', 'pv_state_run', "platform 'pv-example-net-server' suddenly stopped"],
    ['ERROR', 'controller', '_pv_wait', 'a platform did not work as expected. Tearing down...'],
  ]) + launch([
    ['INFO', 'ipam', 'pv_ipam_allocate', 'allocated 10.0.5.2/24 to pv-example-net-server from pool internal'],
    ['INFO', 'state', 'pv_state_set_status', "state revision '0' status is now READY"],
  ]);
  const lines = [
    { module: 'state', text: "platform 'pv-example-net-server' suddenly stopped" },
    { module: 'controller', text: 'a platform did not work as expected. Tearing down...' },
    { module: 'ipam', text: 'allocated 10.0.5.2/24 to pv-example-net-server from pool internal' },
    { module: 'state', text: "state revision '0' status is now READY" },
  ];
  const across = ev({ kind: 'log-ordered', lines, acrossLaunches: true }, state({ 'pantavisor.log': log }));
  assert.equal(across.pass, true, across.actual);
  assert.match(across.expected, /^in order \(across launches\)/);
  assert.equal(ev({ kind: 'log-ordered', lines }, state({ 'pantavisor.log': log })).pass, false, 'within one launch it cannot hold');
  const noRelaunch = launch([['ERROR', 'state', 'pv_state_run', "platform 'pv-example-net-server' suddenly stopped"], [
    'ERROR',
    'controller',
    '_pv_wait',
    'a platform did not work as expected. Tearing down...',
  ]]);
  const r = ev({ kind: 'log-ordered', lines, acrossLaunches: true }, state({ 'pantavisor.log': noRelaunch }));
  assert.equal(r.pass, false);
  assert.match(r.actual, /^\(3\) .*allocated 10\.0\.5\.2\/24 .* never occurs after line 3/);
});

// ---- teardown-finished (observed §13: a teardown's containers are force-stopped ≈5 s after a lenient stop) ----

test('teardown-finished: holds with no teardown, not while a container of the torn-down launch still runs, once all are STOPPED or the next launch began', () => {
  const TEAR: [string, string, string | undefined, string] = ['ERROR', 'controller', '_pv_wait', 'a platform did not work as expected. Tearing down...'];
  const START: [string, string, string | undefined, string] = ['INFO', 'logserver', undefined, 'starting logserver loop'];
  const check = { kind: 'teardown-finished', line: { level: 'ERROR', module: 'controller', function: '_pv_wait', text: 'a platform did not work as expected. Tearing down...' } };
  const alloc: [string, string, string | undefined, string] = ['INFO', 'ipam', 'pv_ipam_allocate', 'allocated 10.0.5.2/30 to pv-example-net-client from pool internal'];
  // READY boot: nothing to wait for, whatever runs
  assert.equal(ev(check, state({ 'lxc-ls.txt': TWO, 'pantavisor.log': pvLog([START, alloc]) })).pass, true);
  // pool-exhaustion right after `Tearing down...`: the client still RUNNING (the old judgement's FAIL)
  const during = ev(check, state({ 'lxc-ls.txt': lxcLs([['pv-example-net-client', 'RUNNING', '10.0.5.2']]), 'pantavisor.log': pvLog([START, alloc, TEAR]) }));
  assert.equal(during.pass, false);
  assert.match(during.actual, /^teardown at line 3 .* under way: pv-example-net-client RUNNING$/);
  assert.equal(ev(check, state({ 'lxc-ls.txt': lxcLs([['pv-example-net-client', 'STOPPING']]), 'pantavisor.log': pvLog([START, alloc, TEAR]) })).pass, false);
  // force-stopped: STOPPED (or no containers at all)
  const after = ev(check, state({ 'lxc-ls.txt': lxcLs([['pv-example-net-client', 'STOPPED']]), 'pantavisor.log': pvLog([START, alloc, TEAR]) }));
  assert.deepEqual([after.pass, after.actual], [true, 'teardown at line 3 finished: pv-example-net-client STOPPED']);
  assert.equal(ev(check, state({ 'lxc-ls.txt': '', 'pantavisor.log': pvLog([START, TEAR]) })).actual, 'teardown at line 2 finished: lxc-ls -f lists no containers');
  // the next launch began (its container may be starting again): the teardown is over
  const next = ev(check, state({ 'lxc-ls.txt': lxcLs([['pv-example-net-client', 'RUNNING', '10.0.5.2']]), 'pantavisor.log': pvLog([START, alloc, TEAR, START, alloc]) }));
  assert.deepEqual([next.pass, next.actual], [true, 'the next launch has begun after line 3 (2 launches)']);
  // evidence missing is never "finished"
  assert.match(ev(check, state({ 'lxc-ls.txt': undefined, 'pantavisor.log': pvLog([START, TEAR]) })).actual, /lxc-ls\.txt missing/);
  assert.equal(ev(check, state({ 'pantavisor.log': undefined })).pass, false);
});

test('every registered kind is evaluated by a unit test (its check `kind: ...` in some test/*.test.ts)', () => {
  const dir = new URL('./', import.meta.url);
  const tests = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
  const untested = Object.keys(EVALUATORS).filter((kind) => !tests.includes(`kind: '${kind}'`));
  assert.deepEqual(untested, [], 'a kind without a test of its own');
});

// a failure no wait can undo is `final`: the step's re-check window is skipped for it
test('final: a log line that is there stays; a line still missing may come', () => {
  const st = state({ 'pantavisor.log': LOG });
  assert.equal(ev({ kind: 'log-absent', line: { level: 'ERROR' } }, st).final, true);
  assert.equal(ev({ kind: 'log-absent', line: { text: 'failed to setup NAT' } }, st).final, undefined);
  assert.equal(ev({ kind: 'log-absent', line: { text: 'x' } }, state({ 'pantavisor.log': undefined })).final, undefined);
  assert.equal(ev({ kind: 'log-contains', line: { regex: '^allocated ' }, count: { eq: 1 } }, st).final, true);
  assert.equal(ev({ kind: 'log-contains', line: { level: 'ERROR' }, count: { le: 1 } }, st).final, true);
  assert.equal(ev({ kind: 'log-contains', line: { regex: '^allocated ' }, count: { eq: 3 } }, st).final, undefined);
  assert.equal(ev({ kind: 'log-contains', line: { text: 'setup NAT' } }, st).final, undefined);
  assert.equal(ev({ kind: 'container-state', container: 'pv-a', state: 'RUNNING' }, st).final, undefined);
});
