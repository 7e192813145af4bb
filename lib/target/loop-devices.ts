/**
 * Loop devices a boot leaves attached. Pantavisor attaches a loop device per container root
 * filesystem (root.squashfs in the storage volume) and `docker rm -f` does not detach them, so
 * each run would keep the deleted volume's space held on the host. Before removing its
 * container, `down` releases the loop devices THIS container attached, and only those:
 *   - a loop device mounted in the container's own mount namespace is the container's;
 *   - a loop device backed by a file under the storage path counts too, but only when no other
 *     container of the toolkit is running: another appengine's files have the same path
 *     inside its own namespace, and the path alone cannot tell them apart.
 */
import { shellQuote as q } from '../tooling/shell-quote.ts';

/** A POSIX sh script (busybox) printing `released /dev/loopN <backing file>` per device it detaches. */
export function releaseLoopsScript(storagePath: string, alone: boolean): string {
  return [
    `s=${q(storagePath.replace(/\/+$/, ''))}; alone=${alone ? 1 : 0}`,
    'for b in /sys/block/loop*; do',
    '  [ -r "$b/loop/backing_file" ] || continue',
    '  n=${b##*/}; dev=/dev/$n; file=$(cat "$b/loop/backing_file")',
    '  mounted=$(awk -v d="$dev" \'$1 == d { print $2 }\' /proc/mounts)',
    '  case "$file" in "$s"/*) under=1 ;; *) under=0 ;; esac',
    '  [ -n "$mounted" ] || { [ $alone = 1 ] && [ $under = 1 ]; } || continue',
    '  [ -b "$dev" ] || mknod "$dev" b $(tr \':\' \' \' < "$b/dev") 2>/dev/null',
    '  for m in $mounted; do umount -l "$m" 2>/dev/null; done',
    '  losetup -d "$dev" && echo "released $dev $file"',
    'done',
    'true',
  ].join('\n');
}

/** The devices a release script's output says it detached. */
export function parseReleased(out: string): { device: string; file: string }[] {
  return out.split('\n').map((l) => /^released (\/dev\/loop\d+) (.*)$/.exec(l.trim())).filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ device: m[1], file: m[2] }));
}

/** A host loop device as util-linux `losetup -a` lists it: `/dev/loop1: [65024]:1574323 (/trails/0/x/root.squashfs (deleted))`. */
export interface HostLoop {
  device: string;
  dev: number;
  ino: number;
  file: string;
}

export function parseHostLosetup(text: string): HostLoop[] {
  return text.split('\n').map((l) => /^(\/dev\/loop\d+): \[(\d+)\]:(\d+) \((.*)\)$/.exec(l.trim())).filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ device: m[1], dev: Number(m[2]), ino: Number(m[3]), file: m[4] }));
}

/**
 * The longest backing-file name a loop device's loop_info holds: LO_NAME_SIZE 64 less the NUL.
 * busybox `losetup -a` prints it cut there; util-linux, when sysfs has no backing_file, cuts it
 * at 62 and adds `*`. sysfs (util-linux's first choice) has the whole path, with ` (deleted)`
 * once the file is gone.
 */
export const LOOP_NAME_MAX = 63;

/**
 * A host loop device that may be backed by a file of a storage volume (any trail: `trails/0/`,
 * `trails/locals/<rev>/`): its name has `/trails/`, or is cut short (LOOP_NAME_MAX) where
 * `/trails/` may have been. Which of them are this volume's, loopsBackedBy says (device and inode).
 */
export function mayBeStorageLoop(l: HostLoop): boolean {
  const name = l.file.replace(/ \(deleted\)$/, '');
  return name.includes('/trails/') || name.endsWith('*') || name.length >= LOOP_NAME_MAX - 1;
}

/**
 * The host loop devices backed by one of the given files (device and inode, from stat of the
 * files in the storage volume): after the container is gone, this is the only sure way to tell
 * its loop devices from another appengine's, whose paths look the same.
 */
export function loopsBackedBy(loops: HostLoop[], files: { dev: number; ino: number }[]): HostLoop[] {
  const keys = new Set(files.map((f) => `${f.dev}:${f.ino}`));
  return loops.filter((l) => keys.has(`${l.dev}:${l.ino}`));
}
