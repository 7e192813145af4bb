import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTar, writeTar } from '../lib/tar.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function u8(x: Uint8Array): Uint8Array {
  return new Uint8Array(x); // plain Uint8Array (not Buffer) for deepStrictEqual
}

const LONG_DIR = 'a-rather-long-directory-name-used-to-exceed-the-ustar-limit';
const LONG_NAME = `${LONG_DIR}/and-a-file-name-that-is-also-quite-long-0123456789abcdef.txt`;

function withTmp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeTar -> readTar round trip', () => {
  const big = new Uint8Array(1500).map((_, i) => i % 251);
  const entries = [
    { name: 'json', data: enc.encode('{"#spec":"pantavisor-service-system@1"}') },
    { name: 'objects/empty', data: new Uint8Array(0) },
    { name: 'objects/exact', data: new Uint8Array(512).fill(7) },
    { name: 'objects/big', data: big },
    { name: LONG_NAME, data: enc.encode('long\n') }, // > 100 bytes: ustar prefix split
  ];
  const bytes = writeTar(entries);
  assert.equal(bytes.length % 512, 0);
  // ends with two zero blocks
  assert.ok(bytes.subarray(bytes.length - 1024).every((b) => b === 0));
  const back = readTar(bytes);
  assert.deepEqual(
    back.map((e) => ({ name: e.name, data: e.data, type: e.type, mode: e.mode })),
    entries.map((e) => ({ name: e.name, data: e.data, type: 'file', mode: 0o644 })),
  );
});

test('writeTar header fields: ustar, mode 0644, mtime 0, uid/gid 0, empty uname/gname', () => {
  const h = writeTar([{ name: 'json', data: enc.encode('{}') }]).subarray(0, 512);
  assert.equal(dec.decode(h.subarray(257, 263)), 'ustar\0');
  assert.equal(dec.decode(h.subarray(263, 265)), '00');
  assert.equal(dec.decode(h.subarray(100, 107)), '0000644');
  assert.equal(dec.decode(h.subarray(108, 115)), '0000000');
  assert.equal(dec.decode(h.subarray(116, 123)), '0000000');
  assert.equal(dec.decode(h.subarray(136, 147)), '00000000000');
  assert.equal(String.fromCharCode(h[156]), '0');
  assert.ok(h.subarray(265, 329).every((b) => b === 0));
});

test('writeTar output is accepted by GNU tar', () => {
  withTmp((dir) => {
    const file = join(dir, 'x.tar');
    writeFileSync(file, writeTar([{ name: 'json', data: enc.encode('{}') }, { name: LONG_NAME, data: enc.encode('hi\n') }]));
    const list = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' });
    assert.match(list, /^-rw-r--r-- 0\/0 +3 1970-01-01 00:00 /m);
    assert.deepEqual(
      execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n'),
      ['json', LONG_NAME],
    );
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xf', file, '-C', out]);
    assert.equal(readFileSync(join(out, LONG_NAME), 'utf8'), 'hi\n');
  });
});

for (const format of ['gnu', 'posix', 'ustar'] as const) {
  test(`reads an archive made by GNU tar --format=${format} (incl. name > 100 chars)`, () => {
    withTmp((dir) => {
      const src = join(dir, 'src');
      mkdirSync(join(src, 'objects'), { recursive: true });
      mkdirSync(join(src, LONG_DIR), { recursive: true });
      writeFileSync(join(src, 'json'), '{"a":1}');
      writeFileSync(join(src, 'objects', 'blob'), new Uint8Array(700).fill(65));
      writeFileSync(join(src, LONG_NAME), 'long content\n');
      const tgz = join(dir, 'x.tgz');
      execFileSync('tar', ['-C', src, `--format=${format}`, '-czf', tgz, 'json', 'objects', LONG_DIR]);
      const entries = readTar(u8(gunzipSync(readFileSync(tgz))));
      const byName = new Map(entries.map((e) => [e.name, e]));
      assert.deepEqual([...byName.keys()].sort(), ['json', LONG_NAME, 'objects/', 'objects/blob', `${LONG_DIR}/`].sort());
      assert.equal(byName.get('objects/')!.type, 'dir');
      assert.equal(byName.get(`${LONG_DIR}/`)!.type, 'dir');
      assert.equal(byName.get('json')!.type, 'file');
      assert.equal(dec.decode(byName.get('json')!.data), '{"a":1}');
      assert.deepEqual(byName.get('objects/blob')!.data, new Uint8Array(700).fill(65));
      assert.equal(dec.decode(byName.get(LONG_NAME)!.data), 'long content\n');
      if (format === 'gnu') {
        // confirm the GNU long-name mechanism was really exercised
        const raw = gunzipSync(readFileSync(tgz)).toString('latin1');
        assert.ok(raw.includes('././@LongLink'));
      }
      if (format === 'posix') {
        const raw = gunzipSync(readFileSync(tgz)).toString('latin1');
        assert.ok(raw.includes(` path=${LONG_NAME}\n`)); // pax 'x' header carries the long name
      }
    });
  });
}

/** Build one raw header block (test helper for hand-made pax / GNU archives). */
function header(name: string, type: string, size: number, magic = 'ustar\u000000'): Uint8Array {
  const h = new Uint8Array(512);
  h.set(enc.encode(name.slice(0, 100)), 0);
  h.set(enc.encode('0000644\0'), 100);
  h.set(enc.encode(size.toString(8).padStart(11, '0') + '\0'), 124);
  h.set(enc.encode('00000000000\0'), 136);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode(magic), 257);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  return h;
}
function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

test('pax x header (path, size) and g header are applied; GNU L long name', () => {
  const xdata = enc.encode(paxRecord('path', 'objects/from-pax') + paxRecord('size', '3') + paxRecord('mtime', '1.5'));
  const gdata = enc.encode(paxRecord('comment', 'global'));
  const ldata = enc.encode('gnu/' + 'n'.repeat(150) + '\0');
  const bytes = concat(
    header('pax_global_header', 'g', gdata.length), padded(gdata),
    header('PaxHeaders/short', 'x', xdata.length), padded(xdata),
    header('short', '0', 999), padded(enc.encode('abc')), // header size is overridden by pax size=3
    header('././@LongLink', 'L', ldata.length, 'ustar  \0'), padded(ldata),
    header('gnu/nnnn', '0', 2, 'ustar  \0'), padded(enc.encode('ok')),
    header('plain', '0', 1), padded(enc.encode('z')),
    new Uint8Array(1024),
  );
  const entries = readTar(bytes);
  assert.deepEqual(entries.map((e) => [e.name, dec.decode(e.data)]), [
    ['objects/from-pax', 'abc'],
    ['gnu/' + 'n'.repeat(150), 'ok'],
    ['plain', 'z'],
  ]);
});

test('corrupt archive: bad checksum -> clear error', () => {
  const bytes = writeTar([{ name: 'json', data: enc.encode('{}') }]);
  bytes[0] = 'J'.charCodeAt(0);
  assert.throws(() => readTar(bytes), /corrupt tar archive: bad header checksum at offset 0/);
});

test('corrupt archive: truncated data -> clear error', () => {
  const bytes = writeTar([{ name: 'json', data: new Uint8Array(2000).fill(1) }]);
  assert.throws(() => readTar(bytes.subarray(0, 1024)), /truncated tar archive: entry "json".*needs 2000 bytes/);
  assert.throws(() => readTar(bytes.subarray(0, 300)), /truncated tar archive: incomplete header block at offset 0/);
  // all data present but no end-of-archive marker
  assert.throws(() => readTar(bytes.subarray(0, 512 + 2048)), /truncated tar archive: ended at offset 2560 without an end-of-archive marker/);
  assert.throws(() => readTar(new Uint8Array(0)), /truncated tar archive: input is empty/);
});

test('corrupt archive: not a tar at all (gzip bytes) -> clear error', () => {
  const notTar = new Uint8Array(1024).fill(0x1f);
  assert.throws(() => readTar(notTar), /corrupt tar archive/);
});

test('a lone end-of-archive zero block is tolerated', () => {
  const bytes = writeTar([{ name: 'json', data: enc.encode('{}') }]);
  assert.equal(readTar(bytes.subarray(0, bytes.length - 512)).length, 1);
});
