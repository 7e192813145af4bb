import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { readTar, writeTar } from '../lib/tar.ts';
import {
  appendToContainerConfig,
  containerNames,
  parsePvrExport,
  pvrExportToTarEntries,
  sha256Hex,
  type PvrExport,
} from '../lib/pvrexport.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const NAME = 'pv-example-net-pvcnet';
const LINE = 'lxc.net.0.type = veth';

function withTmp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pvrexport-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A tiny but realistic container pvrexport (as produced by container-pvrexport.bbclass + pvr). */
function makeExport(confText = 'lxc.uts.name = pv-example-net-pvcnet\nlxc.rootfs.path = overlayfs:/volumes/pv-example-net-pvcnet/root.squashfs:/volumes/pv-example-net-pvcnet/lxc-overlay/upper\n') {
  const conf = enc.encode(confText);
  const squash = new Uint8Array(4096).map((_, i) => (i * 31) % 256);
  const confSha = sha256Hex(conf);
  const squashSha = sha256Hex(squash);
  const state: Record<string, unknown> = {
    '#spec': 'pantavisor-service-system@1',
    '_sigs/pv-example-net-pvcnet.json': {
      '#spec': 'pvs@2',
      protected: 'eyJhbGciOiJSUzI1NiIsInB2cyI6eyJpbmNsdWRlIjpbInB2LWV4YW1wbGUtbmV0LXB2Y25ldC8qKiJdfX0',
      signature: 'c2lnbmF0dXJl',
    },
    [`${NAME}/lxc.container.conf`]: confSha,
    [`${NAME}/root.squashfs`]: squashSha,
    [`${NAME}/run.json`]: {
      '#spec': 'service-manifest-run@1',
      config: 'lxc.container.conf',
      drivers: { manual: [], optional: [], required: [] },
      group: 'root',
      name: NAME,
      network: { pool: 'pvcnet' },
      'root-volume': 'root.squashfs',
      storage: { 'lxc-overlay': { persistence: 'boot' } },
      type: 'lxc',
    },
    [`${NAME}/src.json`]: {
      '#spec': 'service-manifest-src@1',
      args: { PV_NETWORK_POOL: 'pvcnet' },
      pv_build_origin: 'yocto',
      template: 'builtin-lxc-docker',
    },
  };
  const tarBytes = writeTar([
    { name: 'json', data: enc.encode(JSON.stringify(state, null, 2)) },
    { name: `objects/${confSha}`, data: conf },
    { name: `objects/${squashSha}`, data: squash },
  ]);
  return { tarBytes, state, confSha, squashSha, squash, conf };
}

test('sha256Hex', () => {
  assert.equal(sha256Hex(enc.encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('parsePvrExport reads state and objects; containerNames', () => {
  const { tarBytes, state, confSha, squashSha } = makeExport();
  const x = parsePvrExport(readTar(tarBytes));
  assert.deepEqual(x.state, state);
  assert.deepEqual(Object.keys(x.state), Object.keys(state));
  assert.deepEqual([...x.objects.keys()].sort(), [confSha, squashSha].sort());
  assert.deepEqual(containerNames(x), [NAME]);
});

test('appendToContainerConfig derives the Test 8 artifact', () => {
  const { tarBytes, confSha, squashSha, squash, conf } = makeExport();
  const x = parsePvrExport(readTar(tarBytes));
  const before = structuredClone(x.state);
  const r = appendToContainerConfig(x, NAME, LINE);

  assert.equal(r.oldSha, confSha);
  const newConf = r.export.objects.get(r.newSha)!;
  assert.ok(newConf);
  assert.equal(sha256Hex(newConf), r.newSha);
  assert.notEqual(r.newSha, r.oldSha);
  assert.equal(dec.decode(newConf), dec.decode(conf) + LINE + '\n');
  assert.ok(dec.decode(newConf).endsWith('lxc.net.0.type = veth\n'));
  // old object gone, squashfs unchanged
  assert.equal(r.export.objects.has(confSha), false);
  assert.deepEqual(r.export.objects.get(squashSha), squash);
  assert.deepEqual([...r.export.objects.keys()].sort(), [r.newSha, squashSha].sort());
  // state unchanged except the conf sha (same keys, same order)
  assert.deepEqual(Object.keys(r.export.state), Object.keys(before));
  assert.deepEqual({ ...r.export.state, [`${NAME}/lxc.container.conf`]: confSha }, before);
  assert.equal(r.export.state[`${NAME}/lxc.container.conf`], r.newSha);
  assert.deepEqual(containerNames(r.export), [NAME]);
  assert.equal((r.export.state[`${NAME}/run.json`] as { name: string }).name, NAME);
  // input not mutated
  assert.deepEqual(x.state, before);
  assert.equal(x.objects.has(confSha), true);
  assert.equal(x.objects.has(r.newSha), false);
});

test('appendToContainerConfig adds a newline when the config lacks a trailing one', () => {
  const { tarBytes } = makeExport('lxc.uts.name = x');
  const r = appendToContainerConfig(parsePvrExport(readTar(tarBytes)), NAME, LINE);
  assert.equal(dec.decode(r.export.objects.get(r.newSha)!), `lxc.uts.name = x\n${LINE}\n`);
});

test('appendToContainerConfig keeps the old object when another key still references it', () => {
  const { tarBytes, confSha } = makeExport();
  const x = parsePvrExport(readTar(tarBytes));
  x.state['other/lxc.container.conf'] = confSha;
  const r = appendToContainerConfig(x, NAME, LINE);
  assert.equal(r.export.objects.has(confSha), true);
  assert.equal(r.export.objects.has(r.newSha), true);
});

test('appendToContainerConfig: missing container / key -> error naming it', () => {
  const x = parsePvrExport(readTar(makeExport().tarBytes));
  assert.throws(() => appendToContainerConfig(x, 'pv-example-net-nope', LINE), /container "pv-example-net-nope" not found \(containers: pv-example-net-pvcnet\)/);
  delete x.state[`${NAME}/lxc.container.conf`];
  assert.throws(() => appendToContainerConfig(x, NAME, LINE), /no state key "pv-example-net-pvcnet\/lxc.container.conf"/);
});

test('written pvrexport: json first, objects sorted; GNU tar lists/extracts it; sha256sum matches names', () => {
  const x = parsePvrExport(readTar(makeExport().tarBytes));
  const derived = appendToContainerConfig(x, NAME, LINE).export;
  const entries = pvrExportToTarEntries(derived);
  const shas = [...derived.objects.keys()].sort();
  assert.deepEqual(entries.map((e) => e.name), ['json', ...shas.map((s) => `objects/${s}`)]);
  const tgz = gzipSync(writeTar(entries));

  // our own reader round-trips it
  const again = parsePvrExport(readTar(new Uint8Array(gunzipSync(tgz))));
  assert.deepEqual(again.state, derived.state);
  assert.deepEqual(Object.keys(again.state), Object.keys(derived.state));
  assert.deepEqual([...again.objects.keys()].sort(), shas);

  withTmp((dir) => {
    const file = join(dir, `${NAME}.pvrexport.tgz`);
    writeFileSync(file, tgz);
    const listed = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listed, ['json', ...shas.map((s) => `objects/${s}`)]); // exact names, no './'
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', file, '-C', out]);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'json'), 'utf8')), derived.state);
    const objs = readdirSync(join(out, 'objects'));
    assert.deepEqual(objs.sort(), shas);
    for (const sha of objs) {
      const sum = execFileSync('sha256sum', [join(out, 'objects', sha)], { encoding: 'utf8' }).split(/\s+/)[0];
      assert.equal(sum, sha);
    }
  });
});

test('parsePvrExport accepts a GNU-tar-made export with a directory entry', () => {
  const { state, conf, confSha, squash, squashSha } = makeExport();
  withTmp((dir) => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'objects'), { recursive: true });
    writeFileSync(join(src, 'json'), JSON.stringify(state));
    writeFileSync(join(src, 'objects', confSha), conf);
    writeFileSync(join(src, 'objects', squashSha), squash);
    const tgz = join(dir, 'x.tgz');
    execFileSync('tar', ['-C', src, '-czf', tgz, 'json', 'objects']);
    const entries = readTar(new Uint8Array(gunzipSync(readFileSync(tgz))));
    assert.ok(entries.some((e) => e.name === 'objects/' && e.type === 'dir'));
    const x: PvrExport = parsePvrExport(entries);
    assert.deepEqual(x.state, state);
    assert.equal(x.objects.size, 2);
  });
});

test('parsePvrExport validation errors', () => {
  const { confSha, squashSha, conf, squash, state } = makeExport();
  const json = { name: 'json', type: 'file' as const, data: enc.encode(JSON.stringify(state)) };
  const confE = { name: `objects/${confSha}`, type: 'file' as const, data: conf };
  const squashE = { name: `objects/${squashSha}`, type: 'file' as const, data: squash };

  assert.throws(() => parsePvrExport([confE, squashE]), /no top-level 'json' entry/);
  assert.throws(() => parsePvrExport([{ ...json, name: './json' }, confE, squashE]), /found "\.\/json".*'\.\/' prefix/);
  assert.throws(() => parsePvrExport([{ ...json, data: enc.encode('[1]') }]), /must be a JSON object, got array/);
  assert.throws(() => parsePvrExport([{ ...json, data: enc.encode('{nope') }]), /not valid JSON/);
  const bad = new Uint8Array(conf);
  bad[0] ^= 1;
  assert.throws(
    () => parsePvrExport([json, { ...confE, data: bad }, squashE]),
    new RegExp(`object ${confSha} has content with sha256 ${sha256Hex(bad)}`),
  );
  assert.throws(
    () => parsePvrExport([json, confE]),
    new RegExp(`state key "${NAME}/root.squashfs" refers to object ${squashSha}, which is missing`),
  );
  assert.throws(() => parsePvrExport([json, confE, squashE, { name: 'objects/xyz', type: 'file', data: conf }]), /"objects\/xyz" is not named objects\/<64/);
});
