import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopsBackedBy, parseHostLosetup, parseReleased, releaseLoopsScript } from '../lib/loop-devices.ts';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/**
 * Runs the script under a real sh with /sys/block, /proc/mounts and /dev rewritten into a temp
 * tree, and fake losetup/umount/mknod that record what they were asked to do.
 */
function run(loops: { n: number; file: string }[], mounts: string, alone: boolean): { out: string; detached: string[]; unmounted: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'loops-test-'));
  roots.push(root);
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const l of loops) {
    mkdirSync(join(root, 'sys', `loop${l.n}`, 'loop'), { recursive: true });
    writeFileSync(join(root, 'sys', `loop${l.n}`, 'loop', 'backing_file'), `${l.file}\n`);
    writeFileSync(join(root, 'sys', `loop${l.n}`, 'dev'), `7:${l.n}\n`);
  }
  mkdirSync(join(root, 'sys', 'loop9'), { recursive: true }); // a free device: no loop/backing_file
  writeFileSync(join(root, 'mounts'), mounts);
  const exe = (name: string, body: string) => { writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`); chmodSync(join(bin, name), 0o755); };
  exe('losetup', `[ "$1" = -d ] && echo "$2" >> ${root}/detached`);
  exe('umount', `echo "$2" >> ${root}/unmounted`);
  exe('mknod', 'true');
  const script = releaseLoopsScript('/var/pantavisor/storage', alone)
    .replace('/sys/block/loop*', `${root}/sys/loop*`).replace('/proc/mounts', `${root}/mounts`).replace(/\[ -b "\$dev" \] \|\| /, '');
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  const lines = (f: string) => (existsSync(join(root, f)) ? readFileSync(join(root, f), 'utf8').split('\n').filter(Boolean) : []);
  return { out, detached: lines('detached'), unmounted: lines('unmounted') };
}

const MOUNTS = '/dev/vda / ext4 rw 0 0\n/dev/loop3 /volumes/pv-example-net-client/root.squashfs squashfs ro 0 0\n';
const LOOPS = [
  { n: 3, file: '/var/pantavisor/storage/trails/0/pv-example-net-client/root.squashfs' },
  { n: 4, file: '/var/pantavisor/storage/trails/0/pv-example-net-server/root.squashfs' },
  { n: 5, file: '/home/me/disk.img' },
];

test('alone: mounted loops and loops backed by the storage volume are released, nothing else', () => {
  const r = run(LOOPS, MOUNTS, true);
  assert.deepEqual(r.detached, ['/dev/loop3', '/dev/loop4']);
  assert.deepEqual(r.unmounted, ['/volumes/pv-example-net-client/root.squashfs']);
  assert.deepEqual(parseReleased(r.out), [
    { device: '/dev/loop3', file: LOOPS[0].file },
    { device: '/dev/loop4', file: LOOPS[1].file },
  ]);
});

test('with another toolkit container running: only the loops mounted in this container', () => {
  const r = run(LOOPS, MOUNTS, false);
  assert.deepEqual(r.detached, ['/dev/loop3']);
});

test('nothing attached: nothing released, exit 0', () => {
  assert.deepEqual(run([], '', true).detached, []);
});

test('host losetup -a lines and the loops backed by the volume files', () => {
  const text = '/dev/loop1: [65024]:1574323 (/trails/0/pv-example-net-server/root.squashfs (deleted))\n' +
    '/dev/loop7: [2049]:12 (/home/me/disk.img)\n/dev/loop2: [65024]:1574226 (/var/pantavisor/storage/trails/0/pv-example-net-client/root.squashfs)\n';
  const loops = parseHostLosetup(text);
  assert.deepEqual(loops.map((l) => [l.device, l.dev, l.ino]), [['/dev/loop1', 65024, 1574323], ['/dev/loop7', 2049, 12], ['/dev/loop2', 65024, 1574226]]);
  assert.equal(loops[0].file, '/trails/0/pv-example-net-server/root.squashfs (deleted)');
  // same path in another volume, another inode: not ours
  assert.deepEqual(loopsBackedBy(loops, [{ dev: 65024, ino: 1574226 }, { dev: 65024, ino: 99 }]).map((l) => l.device), ['/dev/loop2']);
  assert.deepEqual(loopsBackedBy(loops, []), []);
});
