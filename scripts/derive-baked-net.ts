/**
 * Test 8's artifact: NAME+baked-net is NAME's pvrexport with `lxc.net.0.type = veth` appended to
 * its lxc.container.conf (object rewritten under its new sha256, state json updated, container
 * name kept). Usage: tsx scripts/derive-baked-net.ts SOURCE.pvrexport.tgz OUT.pvrexport.tgz [CONTAINER]
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readTar, writeTar } from '../lib/tar.ts';
import { appendToContainerConfig, containerNames, parsePvrExport, pvrExportToTarEntries } from '../lib/pvrexport.ts';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { isMain, main, say } from './common.ts';

export const BAKED_NET_LINE = 'lxc.net.0.type = veth';

export function deriveBakedNet(source: string, out: string, container?: string): { container: string; oldSha: string; newSha: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(source);
  } catch {
    throw new EnvironmentError(`cannot read ${source}`);
  }
  let x;
  try {
    x = parsePvrExport(readTar(gunzipSync(bytes)));
  } catch (e) {
    throw new EnvironmentError(`${source} is not a valid pvrexport: ${(e as Error).message}`);
  }
  const names = containerNames(x);
  const name = container ?? (names.length === 1 ? names[0] : undefined);
  if (!name) throw new UsageError(`${source} holds ${names.length} containers (${names.join(', ')}); name the one to change`);
  const r = appendToContainerConfig(x, name, BAKED_NET_LINE);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, gzipSync(writeTar(pvrExportToTarEntries(r.export))));
  return { container: name, oldSha: r.oldSha, newSha: r.newSha };
}

if (isMain(import.meta.url)) {
  await main(async () => {
    const [source, out, container] = process.argv.slice(2);
    if (!source || !out) throw new UsageError('usage: derive-baked-net.ts SOURCE.pvrexport.tgz OUT.pvrexport.tgz [CONTAINER]');
    const r = deriveBakedNet(source, out, container);
    say(`${out}: ${r.container}/lxc.container.conf ${r.oldSha.slice(0, 12)}… → ${r.newSha.slice(0, 12)}… (+ "${BAKED_NET_LINE}")`);
  });
}
