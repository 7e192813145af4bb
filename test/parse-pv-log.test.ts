import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePvLog } from '../lib/parse/pv-log.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

test('real log (two-containers-one-pool): every line parses', () => {
  const log = parsePvLog(sample('two-containers-one-pool/pantavisor.log'));
  assert.equal(log.lines.length, 463);
  assert.deepEqual(log.unparsed, []);
  assert.equal(log.lines[0].lineNo, 1);
  assert.equal(log.lines[462].lineNo, 463);
});

test('real log: the allocated line', () => {
  const log = parsePvLog(sample('two-containers-one-pool/pantavisor.log'));
  const allocated = log.lines.filter((l) => l.message === 'allocated 10.0.5.2/24 to pv-example-net-client from pool internal');
  assert.equal(allocated.length, 1);
  const [line] = allocated;
  assert.equal(line.platform, 'pantavisor');
  assert.equal(line.module, 'ipam');
  assert.equal(line.function, 'pv_ipam_allocate');
  assert.equal(typeof line.codeLine, 'number');
  assert.equal(line.level, 'INFO');
  assert.equal(line.time, 1462);
  assert.equal(line.raw, `[pantavisor] 1462 INFO\t -- [ipam]: (pv_ipam_allocate:${line.codeLine}) ${line.message}`);
  assert.ok(log.lines.some((l) => l.module === 'state' && l.message === "state revision '0' status is now READY"));
});

test('real log: parser-system1 and logserver lines have no function prefix', () => {
  const log = parsePvLog(sample('two-containers-one-pool/pantavisor.log'));
  const pool = log.lines.find((l) => l.module === 'parser-system1' && l.message === "added network pool 'internal'");
  assert.ok(pool);
  assert.equal(pool.level, 'DEBUG');
  assert.equal(pool.function, undefined);
  assert.equal(pool.codeLine, undefined);
  assert.equal(log.lines[0].module, 'logserver');
  assert.equal(log.lines[0].message, 'starting logserver loop');
  const jsonDump = log.lines.find((l) => l.module === 'parser-system1' && l.message.includes('"subnet"'));
  assert.equal(jsonDump?.message, '                    "subnet": "10.0.5.0/24",', 'leading spaces of a split message are kept');
});

test('real log: banner keeps trailing spaces', () => {
  const log = parsePvLog(sample('two-containers-one-pool/pantavisor.log'));
  const banner = log.lines.find((l) => l.function === 'pv_log_early_init' && l.message.startsWith('______'));
  assert.ok(banner?.message.endsWith('_                '));
});

test('real log (static-ip-outside-subnet): repeated refusal cycles', () => {
  const log = parsePvLog(sample('static-ip-outside-subnet/pantavisor.log'));
  assert.deepEqual(log.unparsed, []);
  assert.equal(log.lines.filter((l) => l.message === 'IPAM subsystem initialized').length, 7);
  const refusals = log.lines.filter((l) => l.level === 'ERROR' && l.module === 'ipam' && l.function === 'pv_ipam_reserve');
  assert.ok(refusals.length >= 1);
  assert.equal(refusals[0].message, "IP 192.168.99.100 not in pool 'internal' subnet");
  assert.ok(log.lines.every((l, i) => i === 0 || l.lineNo > log.lines[i - 1].lineNo));
});

test('garbage, blank lines, CRLF, spaces instead of TAB, timestamp bracket, em dash, truncated last line', () => {
  const text = [
    '[pantavisor] 86512 INFO\t -- [ipam]: (pv_ipam_init:58) IPAM subsystem initialized\r',
    'garbage \x00\x00 line',
    '',
    "[pantavisor] 86512 DEBUG    --   [parser-system1]: added network pool 'internal'  \r",
    "[pantavisor] [2026-08-21 10:00:00] 86514 ERROR\t -- [pv_lxc]: (pv_validate_container_config:287) platform 'x' declares an IPAM pool but its lxc.container.conf already contains lxc.net.* entries — pantavisor will not overwrite them.",
    '[pantavisor] 86514 BOGUS\t -- [ipam]: not a level',
    '[pantavisor] 86515 INFO\t -- [ipam]: (pv_ipam_allocate:309) allocated 10.0.5.2/24 to pv-exa',
    '[pantavisor] 86515 INFO\t -- [ip',
  ].join('\n');
  const log = parsePvLog(text);
  assert.deepEqual(log.lines.map((l) => l.lineNo), [1, 4, 5, 7]);
  assert.deepEqual(log.unparsed.map((u) => u.lineNo), [2, 6, 8]);
  assert.equal(log.unparsed[2].raw, '[pantavisor] 86515 INFO\t -- [ip');
  const [init, pool, lxc, cut] = log.lines;
  assert.equal(init.message, 'IPAM subsystem initialized');
  assert.equal(init.raw.endsWith('\r'), false);
  assert.equal(pool.module, 'parser-system1');
  assert.equal(pool.message, "added network pool 'internal'  ", 'trailing spaces kept, CR dropped');
  assert.equal(lxc.timestamp, '2026-08-21 10:00:00');
  assert.equal(lxc.time, 86514);
  assert.equal(lxc.level, 'ERROR');
  assert.equal(lxc.function, 'pv_validate_container_config');
  assert.equal(lxc.codeLine, 287);
  assert.ok(lxc.message.includes('entries — pantavisor'));
  assert.equal(cut.message, 'allocated 10.0.5.2/24 to pv-exa');
});

test('empty and odd input never throws', () => {
  assert.deepEqual(parsePvLog(''), { lines: [], unparsed: [] });
  assert.deepEqual(parsePvLog('\n\n'), { lines: [], unparsed: [] });
  assert.equal(parsePvLog('\x00\x00\x00').unparsed.length, 1);
  const noMessage = parsePvLog('[pantavisor] 1 WARN\t -- [state]: (f:1)').lines[0];
  assert.equal(noMessage.function, 'f');
  assert.equal(noMessage.message, '');
});
