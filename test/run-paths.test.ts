// scripts/stage.ts refuses the directories a run cannot use, before touching anything: one
// line, exit 2, the user's files unchanged (before: PVTXD=ARTIFACTS deleted every pvrexport of
// the build, then crashed with a stack trace; REPORT_DIR naming a file crashed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function stage(env: Record<string, string>, cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), `${ROOT}scripts/stage.ts`, '1'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    encoding: 'utf8',
  });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

function withDir(fn: (d: string) => void): void {
  const d = mkdtempSync(`${tmpdir()}/pv-ipam-run-paths-`);
  try {
    fn(d);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

/** A build directory holding the user's own pvrexports. */
function build(d: string): string {
  const art = `${d}/deploy`;
  mkdirSync(art);
  for (const n of ['pv-example-net-client', 'pv-example-device-ipam', 'users-own']) writeFileSync(`${art}/${n}.pvrexport.tgz`, 'not ours');
  return art;
}

function refused(r: { status: number | null; out: string }, re: RegExp): void {
  assert.equal(r.status, 2, r.out);
  assert.equal(r.out.split('\n').length, 1, r.out);
  assert.match(r.out, re);
  assert.doesNotMatch(r.out, /internal error/);
}

test('stage refuses PVTXD that is, is inside, holds or links to ARTIFACTS; the build is untouched', () => {
  withDir((d) => {
    const art = build(d);
    symlinkSync(art, `${d}/link`);
    for (const pvtxd of [art, `${art}/pvtx.d`, d, `${d}/link`, `${art}/`]) {
      refused(stage({ ARTIFACTS: art, PVTXD: pvtxd, REPORT_DIR: `${d}/r`, WORK_DIR: `${d}/w` }, d), /^pv-ipam-tests: PVTXD=.* (is|is inside|holds) ARTIFACTS=/);
      assert.deepEqual(readdirSync(art).sort(), ['pv-example-device-ipam.pvrexport.tgz', 'pv-example-net-client.pvrexport.tgz', 'users-own.pvrexport.tgz']);
    }
    assert.ok(!existsSync(`${art}/pvtx.d`));
  });
});

test('stage refuses REPORT_DIR, WORK_DIR, PVTXD or ARTIFACTS naming a file (or under one), and PVTXD equal to REPORT_DIR', () => {
  withDir((d) => {
    const art = build(d);
    writeFileSync(`${d}/file`, "the user's");
    const ok = { ARTIFACTS: art, PVTXD: `${d}/p`, REPORT_DIR: `${d}/r`, WORK_DIR: `${d}/w` };
    refused(stage({ ...ok, REPORT_DIR: `${d}/file` }, d), /^pv-ipam-tests: REPORT_DIR=.*\/file is a file, not a directory$/);
    refused(stage({ ...ok, WORK_DIR: `${d}/file/sub` }, d), /^pv-ipam-tests: WORK_DIR=.*\/file\/sub: .*\/file is a file, not a directory$/);
    refused(stage({ ...ok, PVTXD: `${d}/file` }, d), /^pv-ipam-tests: PVTXD=.*\/file is a file/);
    refused(stage({ ...ok, ARTIFACTS: `${d}/file` }, d), /^pv-ipam-tests: ARTIFACTS=.*\/file is a file/);
    refused(stage({ ...ok, REPORT_DIR: `${d}/p` }, d), /^pv-ipam-tests: PVTXD=.* is REPORT_DIR=/);
    assert.deepEqual(readdirSync(d).sort(), ['deploy', 'file']);
  });
});

test('stage refuses a pvtx.d holding pvrexports it did not stage, and deletes none of them', () => {
  withDir((d) => {
    const art = build(d);
    mkdirSync(`${d}/p`);
    writeFileSync(`${d}/p/mine.pvrexport.tgz`, "the user's");
    refused(stage({ ARTIFACTS: art, PVTXD: `${d}/p`, REPORT_DIR: `${d}/r`, WORK_DIR: `${d}/w` }, d), /^pv-ipam-tests: (.*\/)?p holds mine.pvrexport.tgz, not staged by pv-ipam-tests/);
    assert.deepEqual(readdirSync(`${d}/p`), ['mine.pvrexport.tgz']);
  });
});

test('a PVTXD with a leading dash, quotes, $(...) and backticks is a directory name, nothing more', () => {
  withDir((d) => {
    const art = build(d);
    const name = `-x 'q" $(touch ${d}/canary) \`touch ${d}/canary\``;
    refused(stage({ ARTIFACTS: art, PVTXD: name, REPORT_DIR: name, WORK_DIR: `${d}/w` }, d), /^pv-ipam-tests: PVTXD=.* is REPORT_DIR=/);
    assert.ok(!existsSync(`${d}/canary`));
  });
});
