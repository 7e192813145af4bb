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

// ---- what the build copies and its cache key (dev/source-tree.sh; issue 21.5)
function sh(cwd: string, cmd: string) {
  const r = spawnSync('bash', ['-c', cmd], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
  return r.stdout;
}
function tree(op: 'hash' | 'list', src: string) {
  return bash('dev/source-tree.sh', [op, src]);
}
function keyOf(src: string): string {
  const r = tree('hash', src);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const GIT = 'git -c user.email=t@example.invalid -c user.name=t';
/** a git checkout with a file, a tracked link and an ignored folder holding a plain directory */
function checkout(dir: string): string {
  const repo = `${dir}/repo`;
  mkdirSync(`${repo}/ignored/plain`, { recursive: true });
  sh(repo, `git init -q . && echo a >a.c && echo b >b.c && ln -s a.c link && printf 'ignored/\\n' >.gitignore && ${GIT} add . && ${GIT} commit -qm init`);
  writeFileSync(`${repo}/ignored/plain/f.c`, 'f\n');
  return repo;
}

test('the dev build key changes with a link target, a mode and an untracked file of a checkout', () =>
  withDir((dir) => {
    const repo = checkout(dir);
    const k0 = keyOf(repo);
    assert.equal(keyOf(repo), k0, 'the same tree, the same key');
    sh(repo, 'ln -sfn b.c link'); // a tracked link, retargeted
    const k1 = keyOf(repo);
    assert.notEqual(k1, k0, 'a changed link target');
    sh(repo, 'echo u >untracked.c && chmod 0644 untracked.c');
    const k2 = keyOf(repo);
    assert.notEqual(k2, k1, 'an untracked file');
    sh(repo, 'chmod 0755 untracked.c'); // a mode git does not show for an untracked file
    const k3 = keyOf(repo);
    assert.notEqual(k3, k2, 'the mode of an untracked file');
    sh(repo, 'echo a >same-as-a.c && ln -s a.c ulink');
    const k4 = keyOf(repo);
    sh(repo, 'ln -sfn same-as-a.c ulink'); // an untracked link to a file of the same content (sha256sum followed it before)
    assert.notEqual(keyOf(repo), k4, 'a changed untracked link target');
  }));

test('the dev build key of a plain directory covers links and modes', () =>
  withDir((dir) => {
    const plain = `${dir}/plain`;
    mkdirSync(plain);
    sh(plain, 'echo a >a.c && echo b >b.c && ln -s a.c link');
    const k0 = keyOf(plain);
    sh(plain, 'ln -sfn b.c link');
    const k1 = keyOf(plain);
    assert.notEqual(k1, k0, 'a changed link target (find -type f skipped links before)');
    sh(plain, 'chmod 0755 a.c');
    assert.notEqual(keyOf(plain), k1, 'a mode');
  }));

test('a plain directory inside an ignored folder of another repository is keyed and copied as itself', () =>
  withDir((dir) => {
    const repo = checkout(dir);
    const plain = `${repo}/ignored/plain`;
    const listed = tree('list', plain);
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(listed.stdout.split('\0').filter(Boolean), ['f.c'], 'its own files, not the outer repository');
    const k0 = keyOf(plain);
    writeFileSync(`${plain}/f.c`, 'changed\n');
    assert.notEqual(keyOf(plain), k0, 'a change inside it (the outer repository does not see it: ignored)');
    const r = bash('dev/source-tree.sh', ['copy', plain, `${dir}/copy`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(`${dir}/copy/f.c`, 'utf8'), 'changed\n');
  }));

test('an untracked dangling link and a deleted tracked file: keyed and copied as the work tree has them', () =>
  withDir((dir) => {
    const repo = checkout(dir);
    sh(repo, 'ln -s nowhere dangling && rm b.c');
    const k = tree('hash', repo);
    assert.equal(k.status, 0, k.stderr);
    const r = bash('dev/source-tree.sh', ['copy', repo, `${dir}/copy`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sh(dir, 'readlink copy/dangling').trim(), 'nowhere');
    assert.equal(spawnSync('test', ['-e', `${dir}/copy/b.c`]).status, 1, 'the deleted file is not copied');
    assert.equal(readFileSync(`${dir}/copy/a.c`, 'utf8'), 'a\n');
  }));

test('a tree the build cannot copy (a fifo) is one line naming the file, exit 2, before anything is built', () =>
  withDir((dir) => {
    const pv = `${dir}/pantavisor`;
    mkdirSync(`${pv}/plugins`, { recursive: true });
    mkdirSync(`${pv}/appengine`);
    writeFileSync(`${pv}/CMakeLists.txt`, 'option(PANTAVISOR_APPENGINE "" ON)\n');
    for (const f of ['plugins/pv_lxc.c', 'appengine/pv-appengine.in', 'appengine/pantavisor.config.in']) writeFileSync(`${pv}/${f}`, '\n');
    sh(pv, 'mkfifo a-fifo');
    let r = tree('hash', pv);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), `dev/source-tree.sh: cannot copy '${pv}/a-fifo': not a readable file, directory or link`);
    const sources = `${dir}/sources`;
    for (const d of ['libevent', 'libthttp', 'picohttpparser', 'meta-pantavisor']) mkdirSync(`${sources}/${d}`, { recursive: true });
    r = bash('dev/build-image.sh', [], { DEV_CACHE: `${dir}/cache`, DEV_APT: '0', PV_SOURCES: sources, PANTAVISOR_SRC: pv });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim(), `dev/source-tree.sh: cannot copy '${pv}/a-fifo': not a readable file, directory or link`);
    assert.equal(spawnSync('test', ['-e', `${dir}/cache`]).status, 1, 'nothing was built');
  }));

test('a pantavisor tree without the appengine is one line naming what is missing, exit 3, before anything is built', () =>
  withDir((dir) => {
    const pv = `${dir}/pantavisor`;
    mkdirSync(`${pv}/plugins`, { recursive: true });
    writeFileSync(`${pv}/CMakeLists.txt`, 'option(PANTAVISOR_APPENGINE "" ON)\n');
    writeFileSync(`${pv}/plugins/pv_lxc.c`, '\n');
    const sources = `${dir}/sources`;
    for (const d of ['libevent', 'libthttp', 'picohttpparser', 'meta-pantavisor']) mkdirSync(`${sources}/${d}`, { recursive: true });
    const r = bash('dev/build-image.sh', [], { DEV_CACHE: `${dir}/cache`, DEV_APT: '0', PV_SOURCES: sources, PANTAVISOR_SRC: pv });
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stderr.trim(), `dev/build-image.sh: this pantavisor has no appengine to build (no appengine/pv-appengine.in; it came with 932c6c8, release 025): '${pv}'`);
    assert.equal(spawnSync('test', ['-e', `${dir}/cache`]).status, 1, 'nothing was built');
  }));

// ---- which pantavisor the image holds (dev/version-info.sh) and what an older tree is given (dev/compat-env.sh)
test('version-info: a checkout gives its commit, describe, date, subject, the tags it contains and its 12-hex history', () =>
  withDir((dir) => {
    const repo = checkout(dir);
    sh(
      repo,
      `git tag 028 && echo c >c.c && ${GIT} add c.c && ${GIT} commit -qm 'feat: second' && git tag 029 && git checkout -q -b later && echo d >d.c && ${GIT} add d.c && ${GIT} commit -qm third && git tag 030 && git checkout -q 029`,
    );
    const r = bash('dev/version-info.sh', [repo]);
    assert.equal(r.status, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.commit, sh(repo, 'git rev-parse HEAD').trim());
    assert.equal(v.describe, '029');
    assert.equal(v.subject, 'feat: second');
    assert.equal(v.source, 'git');
    assert.match(v.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    assert.deepEqual(v.tags, ['028', '029'], 'only the tags HEAD contains');
    assert.deepEqual(v.history, sh(repo, 'git rev-list HEAD').trim().split('\n').map((c) => c.slice(0, 12)));
    sh(repo, 'echo x >>a.c');
    assert.equal(JSON.parse(bash('dev/version-info.sh', [repo]).stdout).describe, '029-dirty');
  }));

test('version-info: a git-archive tarball gives its commit and date, history [commit], no tags', () =>
  withDir((dir) => {
    const repo = checkout(dir);
    sh(repo, `git archive --format=tar.gz --prefix=pantavisor/ -o ${dir}/pv.tar.gz HEAD`);
    const v = JSON.parse(bash('dev/version-info.sh', [`${dir}/pv.tar.gz`]).stdout);
    const commit = sh(repo, 'git rev-parse HEAD').trim();
    assert.deepEqual([v.commit, v.describe, v.source, v.tags, v.history], [commit, commit.slice(0, 12), 'tarball', [], [commit.slice(0, 12)]]);
    assert.equal(new Date(v.date).getTime(), Number(sh(repo, 'git log -1 --format=%ct').trim()) * 1000);
  }));

test('compat-env: the pvtest settings the installed config lacks and the installed pantavisor knows, nothing else', () =>
  withDir((dir) => {
    mkdirSync(`${dir}/etc`);
    mkdirSync(`${dir}/usr/bin`, { recursive: true });
    // a 029-like tree: its config sets none of them; its binary knows all but PV_DEBUG_SSH
    writeFileSync(`${dir}/etc/pantavisor-appengine.config`, 'PV_SYSTEM_INIT_MODE=appengine\nPV_WDT_ENABLED=0\n');
    writeFileSync(`${dir}/usr/bin/pantavisor`, '\0PV_CONTROL_REMOTE\0PV_LOG_CAPTURE_DMESG\0PV_UPDATER_GOALS_TIMEOUT\0PV_UPDATER_COMMIT_DELAY\0PV_SECUREBOOT_MODE\0PV_WDT_MODE\0PV_LOG_DIR_MAXSIZE\0');
    let r = bash('dev/compat-env.sh', [dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'PV_CONTROL_REMOTE=0',
      'PV_LOG_CAPTURE_DMESG=0',
      'PV_UPDATER_GOALS_TIMEOUT=10',
      'PV_UPDATER_COMMIT_DELAY=5',
      'PV_SECUREBOOT_MODE=disabled',
      'PV_WDT_MODE=disabled',
      'PV_LOG_DIR_MAXSIZE=2147483647',
    ]);
    // a 303584a7-like config sets them itself: nothing is given
    writeFileSync(
      `${dir}/etc/pantavisor-appengine.config`,
      'PV_WDT_MODE=disabled\nPV_LOG_CAPTURE_DMESG=0\nPV_SECUREBOOT_MODE=disabled\nPV_DEBUG_SSH=1\nPV_CONTROL_REMOTE=0\nPV_UPDATER_GOALS_TIMEOUT=10\nPV_UPDATER_COMMIT_DELAY=5\nPV_LOG_DIR_MAXSIZE=2147483647\n',
    );
    r = bash('dev/compat-env.sh', [dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(bash('dev/compat-env.sh', [`${dir}/nothing`]).status, 2);
  }));
