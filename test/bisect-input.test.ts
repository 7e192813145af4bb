// make bisect's input (scripts/bisect.ts bisectInput): every bad value is one line, exit 2, before
// anything starts (no clone, no build, no docker call); GOOD and BAD in either order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bisectInput } from '../lib/run/bisect.ts';
import { UsageError } from '../lib/errors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sh(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('bisectInput: bad values are a UsageError naming what is wrong; GOOD older is a regression, BAD older a fix', () => {
  const base = mkdtempSync(`${tmpdir()}/pv-bisect-input-`);
  try {
    const src = `${base}/src`;
    mkdirSync(src);
    sh(src, 'init', '-q', '-b', 'main');
    const commit = (m: string) => {
      writeFileSync(`${src}/f`, m);
      sh(src, 'add', 'f');
      sh(src, 'commit', '-q', '-m', m);
      return sh(src, 'rev-parse', 'HEAD');
    };
    const a = commit('a');
    const b = commit('b');
    sh(src, 'checkout', '-q', '-b', 'side', a);
    const side = commit('side');
    sh(src, 'checkout', '-q', 'main');
    const ok = { ONLY: '8', PANTAVISOR_SRC: src, GOOD: a, BAD: b, PV_SOURCES: base };
    const bad = (env: Record<string, string | undefined>, re: RegExp) =>
      assert.throws(() => bisectInput(env), (e: Error) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'), JSON.stringify(env));
    assert.deepEqual(bisectInput(ok), { src, good: a, bad: b, test: '8', direction: 'regression', pvSources: base });
    assert.equal(bisectInput({ ...ok, GOOD: 'main', BAD: a }).direction, 'fix');
    bad({ ...ok, ONLY: undefined }, /^ONLY is not set/);
    bad({ ...ok, ONLY: '8 9' }, /one test at a time/);
    bad({ ...ok, ONLY: 'nope' }, /^no Test nope/);
    bad({ ...ok, TARGET: 'lab' }, /not TARGET=lab/);
    bad({ ...ok, PANTAVISOR_SRC: undefined }, /^PANTAVISOR_SRC is not set/);
    bad({ ...ok, PANTAVISOR_SRC: `${base}/none` }, /^PANTAVISOR_SRC is not a directory/);
    bad({ ...ok, PANTAVISOR_SRC: tmpdir() }, /is not a git tree/);
    bad({ ...ok, GOOD: undefined }, /^GOOD is not set/);
    bad({ ...ok, BAD: 'no-such-rev' }, /^BAD="no-such-rev" is not a commit/);
    bad({ ...ok, GOOD: '--output=/tmp/x' }, /^GOOD="--output=\/tmp\/x" is not a commit/);
    bad({ ...ok, GOOD: 'main', BAD: b }, /^GOOD and BAD are the same commit/);
    bad({ ...ok, GOOD: side, BAD: b }, /not one the ancestor of the other/);
    bad({ ...ok, PV_SOURCES: undefined }, /^PV_SOURCES is not set/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('scripts/bisect.ts with bad input: one line on stderr, exit 2, nothing on stdout (nothing started)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bisect.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ONLY: '8', PANTAVISOR_SRC: tmpdir(), GOOD: 'x', BAD: 'y' } });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^pv-ipam-tests: PANTAVISOR_SRC is not a git tree: "[^\n]*" \(bisect needs its history\)\n$/);
});
