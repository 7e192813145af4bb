import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOP_NAME_MAX, loopsBackedBy, mayBeStorageLoop, parseHostLosetup, parseReleased, releaseLoopsScript } from '../lib/target/loop-devices.ts';

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
  const exe = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
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

// an update's revision: trails/locals/<rev>/<name>/root.squashfs (observed §11, the lab's README)
const LOCALS = '/var/pantavisor/storage/trails/locals/add-client/pv-example-net-client/root.squashfs';

test("an update revision's loops (trails/locals/...), deleted or not, are released like rev 0's", () => {
  const loops = [...LOOPS, { n: 6, file: LOCALS }, { n: 7, file: `${LOCALS.replace('add-client', 'bad-pool')} (deleted)` }];
  const r = run(loops, MOUNTS, true);
  assert.deepEqual(r.detached, ['/dev/loop3', '/dev/loop4', '/dev/loop6', '/dev/loop7']);
  assert.deepEqual(parseReleased(r.out).slice(2), [
    { device: '/dev/loop6', file: LOCALS },
    { device: '/dev/loop7', file: '/var/pantavisor/storage/trails/locals/bad-pool/pv-example-net-client/root.squashfs (deleted)' },
  ]);
  // not alone: only what is mounted here
  assert.deepEqual(run(loops, `${MOUNTS}/dev/loop6 /volumes/pv-example-net-client/root.squashfs squashfs ro 0 0\n`, false).detached, ['/dev/loop3', '/dev/loop6']);
});

test('host losetup -a: trails/locals loops, a name cut at 63 characters, a deleted backing file: all candidates, matched by device and inode', () => {
  // the volume's own path on the host, cut where loop_info cuts it: no "/trails/" left in it
  const hostPath = '/var/lib/docker/volumes/storage-test-update-add-container/_data/trails/locals/add-client/pv-example-net-client/root.squashfs';
  const cut = hostPath.slice(0, LOOP_NAME_MAX);
  assert.equal(cut.length, 63);
  assert.ok(!cut.includes('/trails/'));
  const text = [
    // verbatim from this machine's util-linux 2.38.1 (a lab update's revision)
    '/dev/loop147: [65024]:1515617 (/var/pantavisor/storage/trails/locals/add-client/pv-example-net-client/root.squashfs)',
    // what a bare docker rm left (observed §11): the volume is gone, the path is the mount's
    '/dev/loop8: [65024]:1574500 (/trails/locals/add-client/pv-example-net-client/root.squashfs (deleted))',
    // a name cut at 63 characters, the file deleted
    `/dev/loop9: [65024]:1574501 (${cut} (deleted))`,
    // util-linux without sysfs: loop_info's name cut at 62 and a '*'
    `/dev/loop10: [65024]:1574502 (${hostPath.slice(0, LOOP_NAME_MAX - 1)}*)`,
    '/dev/loop7: [2049]:12 (/home/me/disk.img)',
  ].join('\n') + '\n';
  const loops = parseHostLosetup(text);
  assert.deepEqual(loops.map((l) => l.device), ['/dev/loop147', '/dev/loop8', '/dev/loop9', '/dev/loop10', '/dev/loop7']);
  assert.equal(loops[1].file, '/trails/locals/add-client/pv-example-net-client/root.squashfs (deleted)');
  assert.equal(loops[2].file, `${cut} (deleted)`);
  assert.deepEqual(loops.filter(mayBeStorageLoop).map((l) => l.device), ['/dev/loop147', '/dev/loop8', '/dev/loop9', '/dev/loop10']);
  // a short name without trails/ is not a storage loop, deleted or not
  assert.equal(mayBeStorageLoop({ device: '/dev/loop1', dev: 1, ino: 1, file: '/tmp/x.img (deleted)' }), false);
  // only the volume's own inodes are released
  assert.deepEqual(loopsBackedBy(loops.filter(mayBeStorageLoop), [{ dev: 65024, ino: 1574501 }, { dev: 65024, ino: 1515617 }]).map((l) => l.device), ['/dev/loop147', '/dev/loop9']);
});
