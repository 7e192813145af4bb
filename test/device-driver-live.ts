/**
 * The ssh driver's calls against a live device (test/device-no-docker.sh runs it with a PATH
 * without docker): the configuration from the environment (DEVICE=...) over TARGET=device's preset, then
 * requireReachable, exec (output, stderr, exit status, stdin, the host-side deadline),
 * copyIn/copyOut round trips. One line per check (`ok ...` or `FAIL ...`); exit 1 on a FAIL.
 *   TARGET=device DEVICE=... node --import tsx test/device-driver-live.ts WORKDIR
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePreset, readConfig } from '../lib/config.ts';
import { targetDriver } from '../lib/target/registry.ts';
import { deviceName, parseDevice } from '../lib/target/ssh.ts';

const work = process.argv[2];
// TARGET=device's configuration as the scripts read it: the environment over dev/device/preset.env
const repo = fileURLToPath(new URL('..', import.meta.url));
const preset = { values: parsePreset(readFileSync(`${repo}/dev/device/preset.env`, 'utf8'), 'dev/device/preset.env'), base: repo };
const d = targetDriver(readConfig(process.env, process.cwd(), preset));
const results: string[] = [];
const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';
const check = (ok: boolean, what: string) => results.push(`${ok ? 'ok' : 'FAIL'} ${what}`);
await d.requireReachable();
check(d.lifecycle === 'running' && d.lockKey === deviceName(parseDevice(process.env.DEVICE)), `lifecycle ${d.lifecycle}, lock key ${d.lockKey}`);
let r = await d.exec(`echo "a b" $((2 + 3)); echo e >&2; exit 4`, { timeoutSecs: 30 });
// (fallbear-cmd may write lines of its own to stderr first: the command's line is the last)
check(r.stdout === 'a b 5\n' && r.exitCode === 4 && r.stderr.endsWith('e\n'), `exec: output, stderr, exit 4 (got ${JSON.stringify({ ...r, stderr: lastLine(r.stderr) })})`);
const data = Buffer.alloc(3_000_000);
for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 256;
r = await d.exec('wc -c', { timeoutSecs: 60, stdin: data });
check(r.stdout.trim() === String(data.length) && r.exitCode === 0, `exec with stdin: ${r.stdout.trim()} bytes of ${data.length}`);
mkdirSync(`${work}/in/sub`, { recursive: true });
writeFileSync(`${work}/in/sub/f`, 'hello\n');
writeFileSync(`${work}/bin`, Buffer.from([0, 255, 10, 13, 200]));
const remote = `/tmp/device-no-docker-${process.pid}`;
await d.copyIn(`${work}/in`, `${remote}/dir`, { timeoutSecs: 30 });
await d.copyIn(`${work}/bin`, `${remote}/x/bin`, { timeoutSecs: 30 });
await d.copyOut(`${remote}/dir`, `${work}/back`, { timeoutSecs: 30 });
await d.copyOut(`${remote}/x/bin`, `${work}/bin.back`, { timeoutSecs: 30 });
check(readFileSync(`${work}/back/sub/f`, 'utf8') === 'hello\n', 'copyIn/copyOut of a directory');
check(readFileSync(`${work}/bin.back`).equals(readFileSync(`${work}/bin`)), 'copyIn/copyOut of a binary file');
r = await d.copyOut(`${remote}/none`, `${work}/none`, { timeoutSecs: 30 });
check(r.exitCode !== 0, `copyOut of a missing file fails (${lastLine(r.stderr)})`);
await d.exec(`rm -rf ${remote}`, { timeoutSecs: 30 });
const t0 = Date.now();
r = await d.exec('sleep 60', { timeoutSecs: 3 });
check(r.exitCode === -1 && Date.now() - t0 < 30_000, `the host-side deadline: exit ${r.exitCode} after ${Date.now() - t0} ms`);
console.log(results.join('\n'));
process.exit(results.some((l) => l.startsWith('FAIL')) ? 1 : 0);
