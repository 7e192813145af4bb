import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lastSeen, progressLine } from '../lib/progress.ts';
import { stateFromFiles } from '../lib/bundle.ts';

test('progressLine: what, elapsed/deadline, last state; cut to the terminal width', () => {
  assert.equal(progressLine('boot', 4200, 90_000, '2 containers, no READY line yet'), 'boot: 4.2/90 s — 2 containers, no READY line yet');
  const long = progressLine('boot', 1000, 90_000, 'x'.repeat(300), 40);
  assert.equal(long.length, 39);
  assert.ok(long.endsWith('…'));
  assert.ok(!progressLine('s', 0, 1000, 'a\nb\tc').includes('\n'));
});

test('lastSeen: unmet conditions and the newest log line', () => {
  const st = stateFromFiles({ 'pantavisor.log': '[pantavisor] 1 INFO\t -- [ipam]: (pv_ipam_allocate:309) allocated 10.0.5.2/24 to a from pool internal\n' });
  assert.equal(lastSeen([{ id: 'boot-settled', actual: 'none in 1 log lines' }], st), 'boot-settled: none in 1 log lines; last: [ipam] allocated 10.0.5.2/24 to a from pool internal');
  assert.equal(lastSeen([]), 'waiting');
});

// the real writer (lib/run/output.ts progress) and poller, in a child process: under a pseudo-terminal
// (util-linux `script`) the line is drawn and redrawn with \r; on a pipe nothing of it appears
const demo = fileURLToPath(new URL('./fixtures/progress-demo.ts', import.meta.url));
const hasScript = spawnSync('script', ['--version']).status === 0;

test('the progress line shows on a terminal and not on a pipe', { skip: !hasScript && 'util-linux script is not installed' }, () => {
  const piped = execFileSync(process.execPath, ['--import', 'tsx', demo], { encoding: 'utf8' });
  assert.ok(!piped.includes('\r'), 'no carriage return on a pipe');
  assert.ok(!piped.includes('waiting: '), 'no progress text on a pipe');
  assert.match(piped, /^done after \d+ polls$/m);
  const tty = execFileSync('script', ['-qec', `${process.execPath} --import tsx ${demo}`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.match(tty, /\r\x1b\[Kwaiting: 0\.\d\/5 s — step 1 of 4/);
  assert.match(tty, /\r\x1b\[Kwaiting: 0\.\d\/5 s — step 3 of 4/);
  assert.match(tty, /\r\x1b\[Kdone after 4 polls/, 'the line is cleared before the next output');
});
