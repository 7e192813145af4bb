// Offline verification reads a bundle with bounds (README "Input bounds"): a bundle file over
// 512 MB crashed it (a string too long), a FIFO hung it, SNAPSHOT=.. was judged "FAILED 0/16".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function verify(id: string, snapshot: string, dir: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}scripts/verify.ts`, id], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', SNAPSHOT: snapshot, REPORT_DIR: `${dir}/reports` },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

function withBundle(id: string, fn: (bundle: string, dir: string) => void): void {
  const dir = mkdtempSync(`${tmpdir()}/pv-ipam-bundle-bounds-`);
  try {
    cpSync(`${ROOT}test/fixtures/bundles/test-${id}`, `${dir}/b`, { recursive: true });
    fn(`${dir}/b`, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function oneLine(r: { status: number | null; out: string }, re: RegExp): void {
  assert.equal(r.status, 2, r.out);
  assert.equal(r.out.split('\n').length, 1, r.out);
  assert.match(r.out, re);
}

test('a bundle file over its cap (a sparse 600 MB lxc-ls.txt) is one line, exit 2', () => {
  withBundle('1', (b, dir) => {
    truncateSync(`${b}/lxc-ls.txt`, 600 * 2 ** 20);
    oneLine(verify('1', b, dir), /^pv-ipam-tests: .*\/lxc-ls\.txt is 600 MB, over the 64 MB a bundle file may have$/);
  });
});

test('a 600 MB pantavisor.log is streamed: a line over 16 MB is refused, not read whole', () => {
  withBundle('1', (b, dir) => {
    truncateSync(`${b}/pantavisor.log`, 600 * 2 ** 20);
    oneLine(verify('1', b, dir), /^pv-ipam-tests: .*\/pantavisor\.log has a line over 16 MB: not a pantavisor\.log$/);
  });
});

test('a FIFO in a bundle does not hang verification (it is not a gathered file)', () => {
  withBundle('1', (b, dir) => {
    rmSync(`${b}/lxc-ls.txt`);
    execFileSync('mkfifo', [`${b}/lxc-ls.txt`]);
    const r = verify('1', b, dir);
    assert.notEqual(r.status, null, 'killed by the test timeout: it hung');
    assert.match(r.out, /lxc-ls\.txt missing/);
    assert.doesNotMatch(r.out, /internal error/);
  });
});

test('SNAPSHOT that is not a bundle (.., a directory of other files) is exit 2, one line', () => {
  withBundle('1', (_b, dir) => {
    writeFileSync(`${dir}/notes.txt`, 'not a bundle');
    oneLine(verify('1', '..', dir), /^pv-ipam-tests: SNAPSHOT=\.\. is not a bundle of Test 1 \(no meta\.json, no lxc-ls\.txt\)/);
    oneLine(verify('6', dir, dir), /^pv-ipam-tests: SNAPSHOT=.* is not a bundle of Test 6 \(no meta\.json, no lxc-ls\.txt in baseline\/\)/);
  });
});

test('the fixture bundle still passes, its log parsed from the stream', () => {
  withBundle('1', (b, dir) => {
    const r = verify('1', b, dir);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Test 1: PASSED/);
  });
});
