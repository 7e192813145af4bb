// make build's kas config (lib/artifacts/kas-config.ts, scripts/build.ts): meta-pantavisor moved its release
// config on 2026-04-01; make build finds the one the user's checkout has and says which it used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseKasConfig } from '../lib/artifacts/kas-config.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NEW = 'kas/build-configs/release/docker-x86_64-scarthgap.yaml';
const OLD = '.github/configs/release/docker-x86_64-scarthgap.yaml';
const WS = 'kas/with-workspace.yaml';
const has = (...files: string[]) => (p: string) => files.includes(p);

test('the release config of the layout the checkout has, with kas/with-workspace.yaml', () => {
  assert.deepEqual(chooseKasConfig(undefined, has(NEW, WS)).config, `${NEW}:${WS}`);
  assert.match(chooseKasConfig(undefined, has(NEW, WS)).note, /since 2026-04-01/);
  assert.deepEqual(chooseKasConfig(undefined, has(OLD, WS)).config, `${OLD}:${WS}`);
  assert.match(chooseKasConfig(undefined, has(OLD, WS)).note, /before 2026-04-01/);
  assert.deepEqual(chooseKasConfig(undefined, has(OLD, WS)).missing, []);
});

test('no release config, or no with-workspace: the missing files are named', () => {
  assert.deepEqual(chooseKasConfig(undefined, has()).missing, [NEW, OLD]);
  assert.deepEqual(chooseKasConfig(undefined, has(NEW)).missing, [WS]);
});

test('KAS_CONFIG given is used as it is, its missing files named', () => {
  const c = chooseKasConfig('a.yaml:b.yaml', has('a.yaml'));
  assert.equal(c.config, 'a.yaml:b.yaml');
  assert.deepEqual(c.missing, ['b.yaml']);
});

function build(meta: string, env: Record<string, string> = {}) {
  const e: Record<string, string> = { ...process.env as Record<string, string>, META_PANTAVISOR: meta, DRY_RUN: '1', NO_COLOR: '1', ...env };
  delete e.KAS_CONFIG;
  Object.assign(e, env);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}scripts/build.ts`], { cwd: ROOT, encoding: 'utf8', env: e });
  return { status: r.status, out: r.stdout + r.stderr };
}
/** the config files of the printed kas command */
function printedConfigs(out: string): string[] {
  const m = out.match(/\+ \S*kas-container build (\S+)/);
  assert.ok(m, `no kas command in: ${out}`);
  return m[1].replace(/^'|'$/g, '').split(':');
}
function withMeta(files: string[], f: (meta: string) => void) {
  const meta = mkdtempSync(`${tmpdir()}/pv-meta-`);
  try {
    for (const p of files) {
      mkdirSync(dirname(`${meta}/${p}`), { recursive: true });
      writeFileSync(`${meta}/${p}`, 'header:\n  version: 16\n');
    }
    f(meta);
  } finally {
    rmSync(meta, { recursive: true, force: true });
  }
}

test('make build DRY_RUN=1 on a checkout of each layout prints a kas command whose config files exist there', () => {
  for (const layout of [[NEW, WS], [OLD, WS]]) {
    withMeta(layout, (meta) => {
      const r = build(meta);
      assert.equal(r.status, 0, r.out);
      for (const f of printedConfigs(r.out)) assert.ok(existsSync(`${meta}/${f}`), `${f} does not exist in the checkout: ${r.out}`);
      assert.match(r.out, new RegExp(`kas config ${layout[0].replace(/\./g, '\\.')} \\(`));
    });
  }
});

test('make build on a directory without a release config: one line naming both, exit 3', () =>
  withMeta([WS], (meta) => {
    const r = build(meta);
    assert.equal(r.status, 3, r.out);
    assert.match(r.out, new RegExp(`has no ${NEW.replace(/\./g, '\\.')} nor ${OLD.replace(/\./g, '\\.')}`));
  }));

// the meta-pantavisor tarball CI passes as an input (TEST_PV_SOURCES, .ci/ci.sh's unit stage), unpacked as a user's checkout
const TARBALLS = process.env.TEST_PV_SOURCES ? [process.env.TEST_PV_SOURCES] : [];
const tarball = TARBALLS.map((d) => spawnSync('bash', ['-c', `ls "${d}"/meta-pantavisor-*.tar.gz 2>/dev/null | head -n 1`], { encoding: 'utf8' }).stdout.trim()).find(Boolean);
test('make build DRY_RUN=1 on the meta-pantavisor tarball CI passes prints config files that exist there', {
  skip: tarball ? false : 'no TEST_PV_SOURCES (CI sets it when the sources are beside its clone)',
}, () => {
  const meta = mkdtempSync(`${tmpdir()}/pv-meta-`);
  try {
    assert.equal(spawnSync('tar', ['-xzf', tarball!, '-C', meta, '--strip-components=1']).status, 0);
    const r = build(meta);
    assert.equal(r.status, 0, r.out);
    const files = printedConfigs(r.out);
    assert.ok(files.length >= 2);
    for (const f of files) assert.ok(existsSync(`${meta}/${f}`), `${f} does not exist in the checkout`);
  } finally {
    rmSync(meta, { recursive: true, force: true });
  }
});
