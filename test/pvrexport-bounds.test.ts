// pvrexports with hostile members are refused, one line, before anything is extracted or read
// whole (before: a FIFO `json` hung the checker, one linked to /dev/zero grew to 15 GB, a 600 MB
// `json`, a sparse 3 GB object or an object that is a directory gave a stack trace, and a member
// linked to a host file was accepted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memberProblem, parseTarListing, PVREXPORT_CAPS } from '../lib/pvrexport.ts';
import { openExport } from '../lib/run/pvrexport-files.ts';
import { EnvironmentError } from '../lib/errors.ts';

const sha = (b: string) => createHash('sha256').update(b).digest('hex');
const CONF = 'lxc.uts.name = c\n';

test('parseTarListing reads GNU and busybox tar -tv lines, links without their target', () => {
  const gnu = [
    '-rw-r--r-- root/root         3 2026-12-03 13:44 json',
    'prw-r--r-- root/root         0 2026-12-03 13:44 fifo',
    'drwxr-xr-x root/root         0 2026-12-03 13:44 objects/',
    'lrwxrwxrwx root/root         0 2026-12-03 13:44 objects/link -> /dev/zero',
    'hrw-r--r-- root/root         0 2026-12-03 13:44 hard link to json',
    'crw-r--r-- root/root       1,5 2026-12-03 13:44 zero',
    '-rw-r--r-- root/root         4 2026-12-03 13:44 sp ace',
  ].join('\n');
  assert.deepEqual(parseTarListing(gnu), [
    { type: '-', size: 3, name: 'json' },
    { type: 'p', size: 0, name: 'fifo' },
    { type: 'd', size: 0, name: 'objects/' },
    { type: 'l', size: 0, name: 'objects/link' },
    { type: 'h', size: 0, name: 'hard' },
    { type: 'c', size: 0, name: 'zero' },
    { type: '-', size: 4, name: 'sp ace' },
  ]);
  assert.deepEqual(parseTarListing('-rw-r--r-- 0/0 1234 2026-12-03 13:44:01 json\n'), [{ type: '-', size: 1234, name: 'json' }]);
  assert.equal(parseTarListing('json\nobjects/x\n'), undefined);
});

test('memberProblem: only regular files inside the archive, within the caps', () => {
  const f = (name: string, size = 10, type = '-') => ({ type, size, name });
  assert.equal(memberProblem([f('json'), f('objects/', 0, 'd'), f(`objects/${'a'.repeat(64)}`)]), undefined);
  assert.match(memberProblem([f('json', 0, 'p')])!, /^member 'json' is a FIFO; a pvrexport holds regular files only$/);
  assert.match(memberProblem([f('json', 0, 'l')])!, /is a symbolic link/);
  assert.match(memberProblem([f('objects/x', 0, 'h')])!, /is a hard link/);
  assert.match(memberProblem([f('dev', 0, 'c')])!, /is a character device/);
  assert.match(memberProblem([f('json'), f('objects/abc/', 0, 'd')])!, /^member 'objects\/abc' is a directory, not a file$/);
  assert.match(memberProblem([f('json/', 0, 'd')])!, /'json' is a directory/);
  assert.match(memberProblem([f('../etc/passwd')])!, /points outside the archive/);
  assert.match(memberProblem([f('/etc/passwd')])!, /points outside the archive/);
  assert.match(memberProblem([f('json', 600 * 2 ** 20)])!, /^its 'json' entry is 600 MB, over the 64 MB cap$/);
  assert.match(memberProblem([f('json'), f(`objects/${'a'.repeat(64)}`, 3 * 2 ** 30)])!, /is 3072 MB, over the 512 MB cap for one object/);
  assert.match(memberProblem([f('a', 2 ** 30), f('b', 2 ** 30), f('c', 10)])!, /over 2048 MB, the cap for one pvrexport/);
  assert.equal(PVREXPORT_CAPS.json, 64 * 2 ** 20);
});

function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pvrexport-bounds-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** An export whose members `edit` makes hostile in the source tree, packed with GNU tar (sparse-aware). */
function hostile(dir: string, edit: (src: string, json: string) => void): string {
  const src = join(dir, 'src');
  mkdirSync(join(src, 'objects'), { recursive: true });
  const json = join(src, 'json');
  writeFileSync(json, JSON.stringify({ '#spec': 'pantavisor-service-system@1', 'c/lxc.container.conf': sha(CONF), 'c/run.json': { name: 'c' } }));
  writeFileSync(join(src, 'objects', sha(CONF)), CONF);
  edit(src, json);
  const file = join(dir, 'x.pvrexport.tgz');
  execFileSync('tar', ['-czSf', file, '-C', src, ...readdirSync(src).sort()]);
  return file;
}

const cases: [string, (src: string, json: string) => void, RegExp][] = [
  ['a FIFO json', (_s, json) => {
    rmSync(json);
    execFileSync('mkfifo', [json]);
  }, /member 'json' is a FIFO/],
  ['a json linked to /dev/zero', (_s, json) => {
    rmSync(json);
    symlinkSync('/dev/zero', json);
  }, /member 'json' is a symbolic link/],
  ['an object linked to a host file', (src) => {
    rmSync(join(src, 'objects', sha(CONF)));
    symlinkSync('/etc/passwd', join(src, 'objects', sha(CONF)));
  }, /is a symbolic link/],
  ['a hard-linked member', (src, json) => linkSync(json, join(src, 'json2')), /is a hard link/],
  ['an object that is a directory', (src) => {
    rmSync(join(src, 'objects', sha(CONF)));
    mkdirSync(join(src, 'objects', sha(CONF)));
  }, /^.*x\.pvrexport\.tgz: member 'objects\/[0-9a-f]{64}' is a directory, not a file$/],
  ['a 600 MB json (sparse)', (_s, json) => truncateSync(json, 600 * 2 ** 20), /its 'json' entry is 600 MB, over the 64 MB cap/],
  ['a sparse 3 GB object', (src) => truncateSync(join(src, 'objects', sha(CONF)), 3 * 2 ** 30), /is 3072 MB, over the 512 MB cap for one object/],
];
for (const [what, edit, re] of cases) {
  test(`openExport refuses ${what}, one line, and leaves no extraction behind`, () =>
    withTmp(async (dir) => {
      const file = hostile(dir, edit);
      const before = readdirSync(tmpdir()).filter((f) => f.startsWith('pv-ipam-tests-export-')).length;
      await assert.rejects(openExport(file, 'x'), (e: Error) => {
        assert.ok(e instanceof EnvironmentError, e.stack);
        assert.match(e.message, re);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
      assert.ok(readdirSync(tmpdir()).filter((f) => f.startsWith('pv-ipam-tests-export-')).length <= before);
    }));
}

test('openExport still opens a good export', () =>
  withTmp(async (dir) => {
    const x = await openExport(hostile(dir, () => {}), 'c');
    assert.equal(x.config('c'), CONF);
  }));
