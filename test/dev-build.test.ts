// dev/: the pv_lxc adaptation (dev/adapt-pv-lxc.sh with dev/pv_lxc-debian-lxc.sed) on the
// project's own fixture of the four LXC-fork-only shapes, and dev/build-image.sh's refusals of
// bad input (exit 2, one line, before any package, build or docker call).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = `${ROOT}test/fixtures/dev/pv_lxc-fork-uses.c`;

function bash(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('bash', [`${ROOT}${script}`, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withDir(f: (dir: string) => void) {
  const dir = mkdtempSync(`${tmpdir()}/pv-dev-`);
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the adaptation replaces each of the four fork-only uses and keeps every other line', () =>
  withDir((dir) => {
    const file = `${dir}/pv_lxc.c`;
    copyFileSync(FIXTURE, file);
    const r = bash('dev/adapt-pv-lxc.sh', [file]);
    assert.equal(r.status, 0, r.stderr);
    const before = readFileSync(FIXTURE, 'utf8');
    const after = readFileSync(file, 'utf8');
    for (const fork of ['lxc/pv_export.h', 'set_container_type(', 'lxc_log_set_alternative_output(', 'lxc.rootfs.bdev_type', "path[ret] = ':'"]) {
      assert.ok(before.includes(fork), `fixture lacks ${fork}`);
      assert.ok(!after.includes(fork), `still there after the adaptation: ${fork}`);
    }
    // 2: the fixture's own variable names are kept
    assert.match(after, /snprintf\(pv_dev_env, sizeof\(pv_dev_env\), "container=%s", kind\); c->set_config_item\(c, "lxc\.environment", pv_dev_env\);/);
    // 3: the log goes to the same fd, through the second lxc_log_init
    assert.match(after, /"\/proc\/self\/fd\/%d", fd\); pv_lxc_log\.file = pv_dev_logfile; lxc_log_init\(&pv_lxc_log\);/);
    // 4: an empty prefix, colon included (upstream keeps "overlayfs:" inside lxc.rootfs.path)
    assert.match(after, /^\tpath\[0\] = 0;/m);
    assert.match(after, /^\tprintf\("%s\\n", path\);$/m);
    // nothing else changed: 1 line dropped, 4 lines became 1, the two calls stay one line each
    assert.equal(after.split('\n').length, before.split('\n').length - 4);
    assert.ok(after.includes('#include <lxc/lxccontainer.h>'));
  }));

test('a fork-only use of another shape fails the adaptation, naming the file and the line', () =>
  withDir((dir) => {
    const file = `${dir}/pv_lxc.c`;
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace('c->set_container_type(c, kind);', 'c->set_container_type(c, "pv-root");'));
    const r = bash('dev/adapt-pv-lxc.sh', [file]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /still uses the LXC fork/);
    assert.match(r.stderr, /set_container_type\(c, "pv-root"\)/);
  }));

test('adapt-pv-lxc.sh: bad usage exits 2', () => {
  assert.equal(bash('dev/adapt-pv-lxc.sh', []).status, 2);
  assert.equal(bash('dev/adapt-pv-lxc.sh', ['/nonexistent/pv_lxc.c']).status, 2);
});

test('build-image.sh refuses bad input with exit 2 and one line, before installing or building anything', () =>
  withDir((dir) => {
    const cache = `${dir}/cache`;
    const run = (env: Record<string, string>) => bash('dev/build-image.sh', [], { DEV_CACHE: cache, DEV_APT: '0', PANTAVISOR_SRC: '', ...env });
    let r = run({ PV_SOURCES: '' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /PV_SOURCES is not set/);
    r = run({ PV_SOURCES: `${dir}/missing dir` });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), `dev/build-image.sh: PV_SOURCES is not a directory: '${dir}/missing dir'`);
    const sources = `${dir}/sources`;
    for (const d of ['libevent', 'libthttp', 'picohttpparser', 'meta-pantavisor']) mkdirSync(`${sources}/${d}`, { recursive: true });
    r = run({ PV_SOURCES: sources });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /PV_SOURCES has no pantavisor source/);
    mkdirSync(`${dir}/not pantavisor`);
    r = run({ PV_SOURCES: sources, PANTAVISOR_SRC: `${dir}/not pantavisor` });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not a pantavisor tree \(no CMakeLists\.txt\): '.*not pantavisor'/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    mkdirSync(`${sources}/libevent-2.2.1`);
    r = run({ PV_SOURCES: sources });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /more than one libevent source/);
    assert.equal(spawnSync('test', ['-e', cache]).status, 1, 'nothing was built');
  }));
