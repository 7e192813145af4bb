import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerNames, exportProblem, objectRefs, tarFailure } from '../lib/pvrexport.ts';
import { checkedExport, type CheckedExports, openExport } from '../lib/run/pvrexport-files.ts';
import { derive } from '../lib/run/derive.ts';
import { readConfig } from '../lib/config.ts';
import { EnvironmentError } from '../lib/errors.ts';

const NAME = 'pv-example-net-pvcnet';
const sha = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');

function withTmp<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'pvrexport-test-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** A small but realistic container pvrexport, written with GNU tar as a Yocto build's is. */
function writeExport(dir: string, opts: { confText?: string; jsonName?: string } = {}) {
  const conf = opts.confText ?? `lxc.uts.name = ${NAME}\nlxc.rootfs.path = overlayfs:/volumes/${NAME}/root.squashfs:/volumes/${NAME}/lxc-overlay/upper\n`;
  const squash = Buffer.alloc(4096, 7);
  const state = {
    '#spec': 'pantavisor-service-system@1',
    [`_sigs/${NAME}.json`]: { '#spec': 'pvs@2', protected: 'eyJ9', signature: 'c2ln' },
    [`${NAME}/lxc.container.conf`]: sha(conf),
    [`${NAME}/root.squashfs`]: sha(squash),
    [`${NAME}/run.json`]: { '#spec': 'service-manifest-run@1', name: NAME, config: 'lxc.container.conf', network: { pool: 'pvcnet' }, type: 'lxc' },
    [`${NAME}/src.json`]: { '#spec': 'service-manifest-src@1', args: { PV_NETWORK_POOL: 'pvcnet' }, template: 'builtin-lxc-docker' },
  };
  const src = join(dir, 'src');
  mkdirSync(join(src, 'objects'), { recursive: true });
  writeFileSync(join(src, 'json'), JSON.stringify(state, null, 2));
  writeFileSync(join(src, 'objects', sha(conf)), conf);
  writeFileSync(join(src, 'objects', sha(squash)), squash);
  const file = join(dir, `${NAME}.pvrexport.tgz`);
  const jsonName = opts.jsonName ?? 'json';
  execFileSync('tar', ['-czf', file, '-C', src, jsonName, `objects/${sha(conf)}`, `objects/${sha(squash)}`]);
  return { file, state, conf, squash };
}

test('objectRefs and containerNames read the state', () => {
  const state = { '#spec': 'x', 'a/run.json': {}, 'a/root.squashfs': 'f'.repeat(64), '_sigs/a.json': {}, 'b/run.json': {}, 'a/x': 'not-a-sha' };
  assert.deepEqual(objectRefs(state), [['a/root.squashfs', 'f'.repeat(64)]]);
  assert.deepEqual(containerNames(state), ['a', 'b']);
});

test('exportProblem: what pvtx would refuse, one line each', () => {
  const s = 'a'.repeat(64);
  const ok = JSON.stringify({ '#spec': 'x', 'c/root.squashfs': s });
  assert.equal(exportProblem(['json', `objects/${s}`], ok, () => s), undefined);
  assert.match(exportProblem(['objects/x'], undefined, () => undefined)!, /no 'json' entry \(entries: objects\/x\)/);
  assert.match(exportProblem(['./json'], undefined, () => undefined)!, /named '\.\/json'; pvtx needs exactly 'json'/);
  assert.match(exportProblem(['json'], '{nope', () => undefined)!, /'json' entry is not valid JSON/);
  assert.match(exportProblem(['json'], '[1]', () => undefined)!, /not a JSON object/);
  assert.match(exportProblem(['json'], ok, () => undefined)!, /state key 'c\/root.squashfs' names objects\/aaaaaaaaaaaa…, which is missing/);
  assert.match(exportProblem(['json'], ok, () => 'b'.repeat(64))!, /objects\/aaaaaaaaaaaa… \(c\/root.squashfs\) has sha256 bbbbbbbbbbbb…: corrupt/);
});

test('tarFailure turns GNU tar/gzip errors into one line', () =>
  withTmp((dir) => {
    const run = (file: string) => {
      try {
        execFileSync('tar', ['-tzf', file], { stdio: ['ignore', 'ignore', 'pipe'] });
        return '';
      } catch (e) {
        return String((e as { stderr: Buffer }).stderr);
      }
    };
    const plain = join(dir, 'plain.tgz');
    writeFileSync(plain, 'this is not gzip at all\n');
    assert.equal(tarFailure(run(plain)), 'not a gzip file');
    const { file } = writeExport(dir);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    assert.match(tarFailure(run(file)), /^truncated or corrupt/);
    const gzText = join(dir, 'text.gz');
    execFileSync('sh', ['-c', `echo hello | gzip > '${gzText}'`]);
    assert.match(tarFailure(run(gzText)), /not a tar archive|tar cannot read it/);
  }));

test('openExport: a good export gives its state and configs; bad ones fail with the file and the problem', () =>
  withTmp(async (dir) => {
    const { file, state, conf } = writeExport(dir);
    const x = await openExport(file, NAME);
    assert.deepEqual(x.state, state);
    assert.equal(x.config(NAME), conf);
    assert.deepEqual(readdirSync(tmpdir()).filter((f) => f.startsWith('pv-ipam-tests-export-')), [], 'the extraction is removed');

    const expectBad = async (path: string, re: RegExp) => {
      await assert.rejects(openExport(path, 'x'), (e: Error) => e instanceof EnvironmentError && re.test(e.message));
    };
    await expectBad(join(dir, 'nope.tgz'), /nope\.tgz: missing$/);
    writeFileSync(join(dir, 'empty.tgz'), '');
    await expectBad(join(dir, 'empty.tgz'), /empty\.tgz: empty file$/);
    writeFileSync(join(dir, 'text.tgz'), 'hello');
    await expectBad(join(dir, 'text.tgz'), /text\.tgz: not a gzip file$/);
    const d2 = join(dir, 'b');
    mkdirSync(d2);
    const dotted = writeExport(d2, { jsonName: './json' });
    await expectBad(dotted.file, /'\.\/json'; pvtx needs exactly 'json'/);
    // corrupt object: rewrite one object in place and re-pack
    const d3 = join(dir, 'c');
    mkdirSync(d3);
    const c = writeExport(d3);
    writeFileSync(join(d3, 'src', 'objects', sha(c.conf)), 'tampered\n');
    execFileSync('tar', ['-czf', c.file, '-C', join(d3, 'src'), 'json', `objects/${sha(c.conf)}`, `objects/${sha(c.squash)}`]);
    await expectBad(c.file, /pv-example-net-pvcnet\/lxc\.container\.conf\) has sha256 .*: corrupt/);
    const d4 = join(dir, 'd');
    mkdirSync(d4);
    const t = writeExport(d4);
    truncateSync(t.file, statSync(t.file).size - 40);
    await expectBad(t.file, /truncated or corrupt/);
  }));

test('derive: Test 8 artifact with the system tar, jq and sha256sum; GNU tar lists json and objects only', () =>
  withTmp(async (dir) => {
    const { file, conf, squash } = writeExport(dir);
    const cfg = readConfig({ WORK_DIR: join(dir, 'work') }, dir);
    const lines: string[] = [];
    const out = await derive(
      cfg,
      `${NAME}+baked-net`,
      {
        from: NAME,
        edits: [{ containerConfig: { container: NAME, append: 'lxc.net.0.type = veth' } }, { srcJson: { container: NAME, set: 'args.PV_LXC_NETWORK_TYPE', to: 'veth' } }],
      },
      file,
      (l) => lines.push(`+ ${l}`),
    );
    const newConf = conf + 'lxc.net.0.type = veth\n';
    const listed = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listed, ['json', ...[sha(newConf), sha(squash)].sort().map((s) => `objects/${s}`)]);
    const x = await openExport(out, 'derived');
    assert.equal(x.config(NAME), newConf);
    assert.equal((x.state[`${NAME}/src.json`] as { args: Record<string, string> }).args.PV_LXC_NETWORK_TYPE, 'veth');
    assert.deepEqual(Object.keys(x.state), Object.keys(JSON.parse(execFileSync('tar', ['-xzOf', file, 'json'], { encoding: 'utf8' }))), 'key order kept');
    // every command was echoed, ready to copy: extract, append, sha256sum, mv, rm, jq, tar
    const echoed = lines.join('\n');
    for (const re of [/\+ tar -xzf .* -C /, /\+ cp .*objects\/[0-9a-f]{64}.* && printf '%s\\n' 'lxc\.net\.0\.type = veth' >> /, /\+ sha256sum /, /\+ jq -c /, /\+ tar -czf /]) assert.match(echoed, re);
  }));

test('checkedExport: a run checks each export once (preflight, then every stage of the run reuses it), again only when the file changed', () =>
  withTmp(async (dir) => {
    const { file, state } = writeExport(dir);
    const t = 1_700_000_000;
    utimesSync(file, t, t);
    const checked: CheckedExports = new Map();
    assert.deepEqual((await checkedExport(checked, file, NAME)).state, state);
    // the same number of bytes, broken now, and the mtime kept: the run does not open it again
    writeFileSync(file, Buffer.alloc(readFileSync(file).length, 0));
    utimesSync(file, t, t);
    const again = await checkedExport(checked, file, 'as-staged');
    assert.deepEqual(again.state, state, 'not opened again');
    assert.equal(again.name, 'as-staged');
    // a file that changed (a derived export written again) is checked again
    utimesSync(file, t, t + 5);
    await assert.rejects(checkedExport(checked, file, NAME), (e: Error) => e instanceof EnvironmentError && /not a gzip file$/.test(e.message));
  }));
