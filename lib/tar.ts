/**
 * Minimal, pure tar reader/writer over Uint8Array (no fs, no zlib).
 *
 * Reading supports POSIX ustar (name + prefix), old GNU/v7 headers, GNU long
 * names (`././@LongLink`, type 'L'; type 'K' long link names are consumed and
 * ignored) and pax extended headers (type 'x' per entry, type 'g' global) with
 * `path=` and `size=` records. Writing produces plain ustar regular files.
 *
 * Callers gunzip/gzip themselves (e.g. with node:zlib).
 */

export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'other';
  data: Uint8Array;
  mode?: number;
}

const BLOCK = 512;
const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** Header-only entry types: their size field does not describe following data (same rule as Go's archive/tar). */
const HEADER_ONLY_TYPES = new Set(['1', '2', '3', '4', '5', '6']);

function isZeroBlock(bytes: Uint8Array, off: number): boolean {
  for (let i = off; i < off + BLOCK; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Bytes up to (not including) the first NUL, decoded as UTF-8. */
function cString(bytes: Uint8Array, start: number, len: number): string {
  let end = start;
  const max = start + len;
  while (end < max && bytes[end] !== 0) end++;
  return decoder.decode(bytes.subarray(start, end));
}

/** Parse a numeric header field: octal (NUL/space padded) or GNU base-256. */
function parseNumeric(bytes: Uint8Array, start: number, len: number, what: string, headerOff: number): number {
  const first = bytes[start];
  if (first & 0x80) {
    if (first === 0xff) throw new Error(`corrupt tar archive: negative base-256 ${what} in header at offset ${headerOff}`);
    let n = first & 0x7f;
    for (let i = start + 1; i < start + len; i++) {
      n = n * 256 + bytes[i];
      if (!Number.isSafeInteger(n)) throw new Error(`corrupt tar archive: ${what} too large in header at offset ${headerOff}`);
    }
    return n;
  }
  const s = decoder.decode(bytes.subarray(start, start + len)).replace(/\0.*$/s, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) {
    throw new Error(`corrupt tar archive: invalid ${what} field ${JSON.stringify(s)} in header at offset ${headerOff}`);
  }
  const n = parseInt(s, 8);
  if (!Number.isSafeInteger(n)) throw new Error(`corrupt tar archive: ${what} too large in header at offset ${headerOff}`);
  return n;
}

function verifyChecksum(bytes: Uint8Array, off: number): void {
  const stored = parseNumeric(bytes, off + 148, 8, 'checksum', off);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : bytes[off + i];
    unsigned += b;
    signed += b >= 0x80 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new Error(
      `corrupt tar archive: bad header checksum at offset ${off} (stored ${stored.toString(8)}, computed ${unsigned.toString(8)})`,
    );
  }
}

/** Parse pax extended header records ("<len> <key>=<value>\n"). */
function parsePax(data: Uint8Array, headerOff: number): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // trailing NUL padding (tolerated)
    let sp = pos;
    while (sp < data.length && data[sp] !== 0x20) sp++;
    const lenStr = decoder.decode(data.subarray(pos, sp));
    const len = /^[0-9]+$/.test(lenStr) ? parseInt(lenStr, 10) : NaN;
    if (!Number.isFinite(len) || len <= sp - pos || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new Error(`corrupt tar archive: malformed pax record in header at offset ${headerOff}`);
    }
    const rec = decoder.decode(data.subarray(sp + 1, pos + len - 1));
    const eq = rec.indexOf('=');
    if (eq <= 0) throw new Error(`corrupt tar archive: malformed pax record in header at offset ${headerOff}`);
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    pos += len;
  }
  return out;
}

/**
 * Read all entries of an (uncompressed) tar archive.
 * Meta entries (GNU 'L'/'K', pax 'x'/'g') are applied and not returned.
 * Throws Error("corrupt tar archive: ...") / ("truncated tar archive: ...") on bad input.
 */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  const globalPax = new Map<string, string>();
  let pendingPax: Map<string, string> | undefined;
  let pendingLongName: string | undefined;
  let off = 0;

  for (;;) {
    if (off + BLOCK > bytes.length) {
      if (off === bytes.length) {
        throw new Error(
          bytes.length === 0
            ? 'truncated tar archive: input is empty'
            : `truncated tar archive: ended at offset ${off} without an end-of-archive marker`,
        );
      }
      throw new Error(`truncated tar archive: incomplete header block at offset ${off} (${bytes.length - off} bytes left)`);
    }
    if (isZeroBlock(bytes, off)) {
      if (pendingPax || pendingLongName !== undefined) {
        throw new Error(`corrupt tar archive: end-of-archive at offset ${off} right after an extended header`);
      }
      // End of archive. A second zero block normally follows; a lone one is tolerated (as GNU tar does).
      return entries;
    }
    verifyChecksum(bytes, off);

    const typeByte = bytes[off + 156];
    const type = typeByte === 0 ? '0' : String.fromCharCode(typeByte);
    const magic = decoder.decode(bytes.subarray(off + 257, off + 263));
    let size = parseNumeric(bytes, off + 124, 12, 'size', off);
    const mode = parseNumeric(bytes, off + 100, 8, 'mode', off);

    let name = cString(bytes, off, 100);
    // POSIX ustar prefix ("ustar\0"). Old GNU ("ustar  \0") uses that area for other fields.
    if (magic === 'ustar\0') {
      const prefix = cString(bytes, off + 345, 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }

    // pax size overrides the header size of the entry it applies to
    const isMeta = type === 'x' || type === 'g' || type === 'L' || type === 'K';
    if (!isMeta) {
      const paxSize = pendingPax?.get('size') ?? globalPax.get('size');
      if (paxSize !== undefined && paxSize !== '') {
        if (!/^[0-9]+$/.test(paxSize)) throw new Error(`corrupt tar archive: invalid pax size ${JSON.stringify(paxSize)} for header at offset ${off}`);
        size = parseInt(paxSize, 10);
      }
    }
    if (HEADER_ONLY_TYPES.has(type)) size = 0;

    const dataStart = off + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > bytes.length) {
      throw new Error(
        `truncated tar archive: entry ${JSON.stringify(name)} (header at offset ${off}) needs ${size} bytes of data but only ${Math.max(0, bytes.length - dataStart)} remain`,
      );
    }
    const data = new Uint8Array(bytes.subarray(dataStart, dataEnd)); // copy; always a plain Uint8Array
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'L') {
      pendingLongName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'K') continue; // long link name: not needed
    if (type === 'x') {
      pendingPax = parsePax(data, dataStart - BLOCK);
      continue;
    }
    if (type === 'g') {
      for (const [k, v] of parsePax(data, dataStart - BLOCK)) {
        if (v === '') globalPax.delete(k);
        else globalPax.set(k, v);
      }
      continue;
    }

    const paxPath = pendingPax?.has('path') ? pendingPax.get('path') : globalPax.get('path');
    if (paxPath !== undefined && paxPath !== '') name = paxPath;
    else if (pendingLongName !== undefined) name = pendingLongName;
    pendingPax = undefined;
    pendingLongName = undefined;

    let kind: TarEntry['type'];
    if (type === '5' || ((type === '0' || type === '7') && name.endsWith('/'))) kind = 'dir';
    else if (type === '0' || type === '7') kind = 'file';
    else kind = 'other';

    entries.push({ name, type: kind, data, mode });
  }
}

function writeOctal(h: Uint8Array, start: number, len: number, value: number): void {
  // len-1 octal digits, zero padded, then NUL
  const s = value.toString(8).padStart(len - 1, '0');
  if (s.length > len - 1) throw new Error(`tar: value ${value} does not fit in a ${len}-byte header field`);
  for (let i = 0; i < s.length; i++) h[start + i] = s.charCodeAt(i);
  h[start + len - 1] = 0;
}

function splitUstarName(nameBytes: Uint8Array, name: string): { name: Uint8Array; prefix: Uint8Array } {
  if (nameBytes.length <= 100) return { name: nameBytes, prefix: new Uint8Array(0) };
  // split at a '/' so that prefix <= 155 bytes and name <= 100 bytes
  for (let i = Math.min(155, nameBytes.length - 1); i > 0; i--) {
    if (nameBytes[i] === 0x2f && nameBytes.length - i - 1 <= 100 && nameBytes.length - i - 1 > 0) {
      return { name: nameBytes.subarray(i + 1), prefix: nameBytes.subarray(0, i) };
    }
  }
  throw new Error(`tar: name too long for ustar: ${JSON.stringify(name)}`);
}

/**
 * Write a plain ustar archive of regular files: mode 0644, mtime 0, uid/gid 0,
 * empty uname/gname, terminated by two zero blocks. Names longer than 100 bytes
 * are split into ustar prefix/name when possible, otherwise an Error is thrown.
 */
export function writeTar(entries: { name: string; data: Uint8Array }[]): Uint8Array {
  let total = 2 * BLOCK;
  for (const e of entries) total += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(total);
  let off = 0;
  for (const e of entries) {
    if (e.name === '' || e.name.includes('\0')) throw new Error(`tar: invalid entry name ${JSON.stringify(e.name)}`);
    const { name, prefix } = splitUstarName(encoder.encode(e.name), e.name);
    const h = out.subarray(off, off + BLOCK);
    h.set(name, 0);
    writeOctal(h, 100, 8, 0o644); // mode
    writeOctal(h, 108, 8, 0); // uid
    writeOctal(h, 116, 8, 0); // gid
    writeOctal(h, 124, 12, e.data.length); // size
    writeOctal(h, 136, 12, 0); // mtime
    h[156] = 0x30; // '0' regular file
    h.set(encoder.encode('ustar\0'), 257);
    h.set(encoder.encode('00'), 263);
    // uname (265) / gname (297) stay empty
    writeOctal(h, 329, 8, 0); // devmajor
    writeOctal(h, 337, 8, 0); // devminor
    h.set(prefix, 345);
    // checksum: computed with the checksum field as spaces; stored as 6 octal digits, NUL, space
    for (let i = 148; i < 156; i++) h[i] = 0x20;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += h[i];
    writeOctal(h, 148, 7, sum);
    h[155] = 0x20;
    off += BLOCK;
    out.set(e.data, off);
    off += Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  return out; // remaining bytes (two zero blocks) are already zero
}
