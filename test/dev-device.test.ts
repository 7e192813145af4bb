// dev/: the pieces of `make device-dev` that run without docker. dev/dropbear-n.sh (the image's
// /usr/sbin/dropbear) turns dropbear-pv's `-n FILE` into passwd logins for Debian's dropbear;
// dev/device-dev.sh refuses bad input in one line, exit 2, before any docker call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function withDir(f: (dir: string) => void) {
  const dir = mkdtempSync(`${tmpdir()}/pv-device-dev-`);
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("dropbear-n.sh: -n FILE becomes passwd logins (_pv_ and each container), the rest goes to Debian's dropbear", () =>
  withDir((dir) => {
    // a storage with two revisions (real state json keys), an old passwd, a fake dropbear that prints its argv
    mkdirSync(`${dir}/trails/0/.pvr`, { recursive: true });
    mkdirSync(`${dir}/trails/locals/pvtx-1/.pvr`, { recursive: true });
    writeFileSync(
      `${dir}/trails/0/.pvr/json`,
      JSON.stringify({ '#spec': 'pantavisor-service-system@1', 'device.json': {}, 'pv-example-net-server/run.json': {}, 'pv-example-net-server/root.squashfs': 'ab' }),
    );
    writeFileSync(`${dir}/trails/locals/pvtx-1/.pvr/json`, JSON.stringify({ 'pv-example-net-client/run.json': {}, 'bad name$(x)/run.json': {} }));
    writeFileSync(`${dir}/passwd`, 'root:x:0:0:root:/root:/bin/sh\nold:x:0:0:pv-ipam-tests ssh login:/gone:/bin/sh\n');
    writeFileSync(`${dir}/dropbear`, '#!/bin/sh\nfor a; do printf "<%s>" "$a"; done\n', { mode: 0o755 });
    writeFileSync(`${dir}/keys`, 'ssh-ed25519 AAAA test\n', { mode: 0o600 });
    const r = spawnSync('sh', [`${ROOT}dev/dropbear-n.sh`, '-F', '-p', '0.0.0.0:8222', '-n', `${dir}/keys`, '-R', '-c', '/usr/bin/fallbear-cmd'], {
      encoding: 'utf8',
      env: { ...process.env, PV_IPAM_TESTS_DROPBEAR: `${dir}/dropbear`, PV_IPAM_TESTS_SSH_HOMES: `${dir}/homes`, PV_IPAM_TESTS_TRAILS: `${dir}/trails`, PV_IPAM_TESTS_PASSWD: `${dir}/passwd` },
    });
    assert.equal(r.status, 0, r.stderr);
    // every option but -n FILE, in order, and nothing added
    assert.equal(r.stdout, '<-F><-p><0.0.0.0:8222><-R><-c></usr/bin/fallbear-cmd>');
    const passwd = readFileSync(`${dir}/passwd`, 'utf8').trim().split('\n');
    assert.deepEqual(passwd, [
      'root:x:0:0:root:/root:/bin/sh',
      `_pv_:x:0:0:pv-ipam-tests ssh login:${dir}/homes/_pv_:/bin/sh`,
      `pv-example-net-client:x:0:0:pv-ipam-tests ssh login:${dir}/homes/pv-example-net-client:/bin/sh`,
      `pv-example-net-server:x:0:0:pv-ipam-tests ssh login:${dir}/homes/pv-example-net-server:/bin/sh`,
    ]);
    for (const u of ['_pv_', 'pv-example-net-server', 'pv-example-net-client']) assert.equal(readlinkSync(`${dir}/homes/${u}/.ssh/authorized_keys`), `${dir}/keys`);
    assert.ok(!existsSync(`${dir}/homes/bad name$(x)`), 'a name a passwd line cannot hold is skipped');
  }));

test('dropbear-n.sh without -n: passwd untouched, the options passed as they are', () =>
  withDir((dir) => {
    writeFileSync(`${dir}/passwd`, 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(`${dir}/dropbear`, '#!/bin/sh\nfor a; do printf "<%s>" "$a"; done\n', { mode: 0o755 });
    const r = spawnSync('sh', [`${ROOT}dev/dropbear-n.sh`, '-F', '-p', '2222', '-s'], {
      encoding: 'utf8',
      env: { ...process.env, PV_IPAM_TESTS_DROPBEAR: `${dir}/dropbear`, PV_IPAM_TESTS_PASSWD: `${dir}/passwd`, PV_IPAM_TESTS_SSH_HOMES: `${dir}/homes` },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '<-F><-p><2222><-s>');
    assert.equal(readFileSync(`${dir}/passwd`, 'utf8'), 'root:x:0:0:root:/root:/bin/sh\n');
    assert.ok(!existsSync(`${dir}/homes`));
  }));

// bad input: one line, exit 2, and docker never called (a `docker` first on PATH that records a call)
for (
  const [what, env, args] of [
    ['no action', {}, []],
    ['an unknown action', {}, ['sideways']],
    ['a name with a slash', { DEVICE_DEV_NAME: 'a/b' }, ['up']],
    ['a name with a shell word', { DEVICE_DEV_NAME: '$(touch x)' }, ['down']],
    ['an unknown fault', { DEVICE_DEV_FAULT: 'x; touch y' }, ['up']],
    ['a real address as the subnet', { DEVICE_DEV_SUBNET: '8.8.8.0/24' }, ['up']],
    ['a /16', { DEVICE_DEV_SUBNET: '198.18.0.0/16' }, ['up']],
    ['a zero timeout', { DEVICE_DEV_TIMEOUT: '0' }, ['up']],
    ['an image with a space', { IMAGE: 'a b' }, ['up']],
    ['a baseline with a path', { DEVICE_DEV_BASELINE: '../x' }, ['up']],
  ] as const
) {
  test(`device-dev.sh refuses ${what}: one line, exit 2, no docker call`, () =>
    withDir((dir) => {
      writeFileSync(`${dir}/docker`, `#!/bin/sh\necho "$@" >> ${dir}/docker-called\n`, { mode: 0o755 });
      const r = spawnSync('bash', [`${ROOT}dev/device-dev.sh`, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, ...env } });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^device-dev: /);
      assert.ok(!existsSync(`${dir}/docker-called`), 'docker was called');
      assert.ok(!existsSync(`${dir}/x`) && !existsSync(`${dir}/y`));
    }));
}
