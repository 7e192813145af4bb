/**
 * Issue 23 item 2, the target driver: the docker driver's user lines are the lines the toolkit
 * wrote by hand before (byte for byte), a driver is chosen by name and an unknown one refused,
 * an unknown TARGET is refused naming the known ones, and a new driver (here an in-memory fake)
 * reaches the evidence lines, the update step's lines and the plan through the registry alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTarget, readConfig } from '../lib/tooling/config.ts';
import { UsageError } from '../lib/tooling/errors.ts';
import { evidenceCommand } from '../lib/checks/index.ts';
import { hostLine, updateCommands } from '../lib/run/update-step.ts';
import { appengineStartLine, dockerLines } from '../lib/target/docker.ts';
import { driverEntry, DRIVERS, targetDriver, userLinesOf } from '../lib/target/registry.ts';
import type { DriverEntry, ExecResult, TargetDriver, TargetValues, UserLines } from '../lib/target/driver.ts';
import { shellQuote as q } from '../lib/tooling/shell-quote.ts';
import type { CheckBase } from '../lib/checks/kind.ts';

const usage = (re: RegExp) => (e: Error) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n');

test('docker user lines: the hand-written forms they replace, quoting included', () => {
  const d = dockerLines('pva-test');
  assert.equal(d.userLine('lxc-ls -f'), 'docker exec pva-test lxc-ls -f');
  assert.equal(d.userLine('pvtx add -', { stdinFrom: '/x/a b.tgz' }), "docker exec -i pva-test pvtx add - < '/x/a b.tgz'");
  assert.equal(d.userLine('sh', { tty: true }), 'docker exec -it pva-test sh');
  assert.equal(dockerLines("a'b").userLine('true'), `docker exec "a'b" true`);
  // the echo of execInTarget was echoCommand(['docker', 'exec', C, 'sh', '-c', S])
  const script = `mkdir -p /s/.p && pv-appengine > '/s/o ut' 2>&1 &`;
  assert.equal(d.userLine(`sh -c ${q(script)}`), ['docker', 'exec', 'pva-test', 'sh', '-c', script].map(q).join(' '));
  assert.equal(
    appengineStartLine('/var/pantavisor/storage/.pv-ipam-tests/pv-appengine.out', { PV_LOOP_INDEX_BASE: '64' }),
    'mkdir -p /var/pantavisor/storage/.pv-ipam-tests && PV_LOOP_INDEX_BASE=64 pv-appengine > /var/pantavisor/storage/.pv-ipam-tests/pv-appengine.out 2>&1 &',
  );
});

test('the docker driver: host argv for streams and terminals, and which failures mean the container is gone', () => {
  const live = targetDriver(readConfig({ CONTAINER: 'pva-test' }, '/r'));
  assert.equal(live.lifecycle, 'boot');
  assert.equal(live.lockKey, 'pva-test');
  assert.ok(live.boot, 'the docker driver makes and removes its container');
  assert.deepEqual(live.hostArgv(['sh', '-c', 'x y']), ['docker', 'exec', 'pva-test', 'sh', '-c', 'x y']);
  assert.deepEqual(live.hostArgv(['sh'], { stdin: true, tty: true }).slice(0, 4), ['docker', 'exec', '-it', 'pva-test']);
  assert.deepEqual(live.hostArgv(['cat', 'f'], { tty: true }).slice(2, 3), ['-t']);
  assert.match(String(live.failure({ stdout: '', stderr: 'Error response from daemon: container abc is not running', exitCode: 1 })), /container pva-test went away/);
  assert.equal(live.failure({ stdout: '', stderr: 'grep: x', exitCode: 1 }), undefined);
});

test('the update step lines through the driver: as before for docker', () => {
  const cmds = updateCommands({ revision: 'locals/r1', add: ['pv-x'], remove: ['old'] } as never, (n) => `/a/${n}.pvrexport.tgz`);
  assert.deepEqual(cmds.map((c) => hostLine(dockerLines('pva-test'), c)), [
    'docker exec pva-test pvtx begin current',
    'docker exec -i pva-test pvtx add - < /a/pv-x.pvrexport.tgz',
    'docker exec pva-test pvtx remove old',
    'docker exec pva-test pvtx commit locals/r1',
    'docker exec pva-test pvcontrol cmd run locals/r1',
  ]);
});

test('the registry: the preset chooses the driver (default docker); an unknown one is refused naming the known ones', () => {
  assert.equal(readConfig({}, '/r').driver, 'docker');
  assert.equal(readConfig({}, '/r', { values: { DRIVER: 'docker' }, base: '/r' }).driver, 'docker');
  assert.equal(targetDriver(readConfig({ CONTAINER: 'c' }, '/r')).name, 'docker');
  assert.equal(userLinesOf({ container: 'c' }).userLine('id'), 'docker exec c id');
  // the known ones are the generated registry's (a new driver needs no edit here)
  const known = Object.keys(DRIVERS).join(', ');
  assert.ok(known.startsWith('docker'), known);
  assert.throws(() => driverEntry('sssh', 'lab/preset.env: DRIVER'), (e: unknown) => e instanceof UsageError && e.message === `lab/preset.env: DRIVER="sssh" is not a target driver (known: ${known})`);
  assert.throws(() => driverEntry('toString'), usage(/is not a target driver/));
});

test('TARGET: the default or a preset that exists; a typo is refused naming them, one line', () => {
  for (const t of [undefined, '', 'appengine', 'lab', 'dev']) checkTarget(t, ['dev', 'lab']);
  assert.throws(() => checkTarget('lba', ['dev', 'lab']), usage(/^TARGET="lba" is not a target \(known: appengine, dev, lab\)$/));
  assert.throws(() => checkTarget('Lab', ['dev', 'lab']), usage(/TARGET="Lab"/));
});

test('the lab hints come from its preset, none from a target without them', () => {
  const lab = readConfig({}, '/r', { values: { HINT_IMAGE: 'build it with `make lab`', HINT_ARTIFACTS: 'run `make lab`' }, base: '/r' });
  assert.deepEqual(lab.hints, { image: 'build it with `make lab`', artifacts: 'run `make lab`' });
  assert.deepEqual(readConfig({}, '/r').hints, { image: undefined, artifacts: undefined });
});

/** An in-memory target: a map of files and a log of the lines it ran; its user line is `fake@NAME -- CMD`. */
function fakeEntry(): DriverEntry & { ran: string[] } {
  const ran: string[] = [];
  const lines = (v: TargetValues): UserLines => ({ userLine: (c, o = {}) => `fake@${v.container} --${o.tty ? ' -t' : ''} ${c}${o.stdinFrom !== undefined ? ` < ${q(o.stdinFrom)}` : ''}` });
  const files = new Map<string, string>();
  const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
  return {
    ran,
    description: 'in memory',
    lines,
    create: (v): TargetDriver => ({
      name: 'fake',
      description: `fake ${v.container}`,
      ...lines(v),
      hostArgv: (words) => ['fake', v.container, ...words],
      failure: () => undefined,
      exec: (command, o) => {
        ran.push(command);
        return Promise.resolve(command.startsWith('cat ') ? ok(files.get(command.slice(4)) ?? '') : ok(o.stdin?.toString() ?? ''));
      },
      copyIn: (h, t) => Promise.resolve((files.set(t, `from ${h}`), ok())),
      copyOut: (t) => Promise.resolve(ok(files.get(t))),
      lifecycle: 'boot',
      lockKey: `fake:${v.container}`,
      requireReachable: () => Promise.resolve(),
      boot: {
        requireHost: () => Promise.resolve(),
        create: (o) => Promise.resolve(void ran.push(`create ${o.runId}`)),
        running: () => Promise.resolve(true),
        startAppengine: (o) => Promise.resolve((ran.push(`start ${o.outFile}`), ok())),
        stopAppengine: () => Promise.resolve((ran.push('stop'), ok())),
        remove: () => Promise.resolve(void ran.push('remove')),
        removeAll: () => Promise.resolve('removed 1'),
      },
    }),
  };
}

test('a new driver needs only its DriverEntry and a registry line: its lines reach evidence, the update step, the run', async () => {
  const fake = fakeEntry();
  DRIVERS.fake = fake;
  try {
    const v = readConfig({ CONTAINER: 'board1' }, '/r', { values: { DRIVER: 'fake' }, base: '/r' });
    const lines = userLinesOf(v);
    const check = { kind: 'container-state', container: 'pv-a', state: 'RUNNING' } as unknown as CheckBase;
    const paths = { container: 'board1', logFile: '/l', deviceJsonFile: '/d', target: lines };
    assert.equal(evidenceCommand(check, paths), 'fake@board1 -- lxc-ls -f');
    assert.equal(evidenceCommand({ kind: 'no-such-kind' } as unknown as CheckBase, paths), 'fake@board1 -- -t sh');
    const [begin, add] = updateCommands({ revision: 'locals/r', add: ['e'] } as never, (n) => `/h/${n}.tgz`);
    assert.equal(hostLine(lines, begin), 'fake@board1 -- pvtx begin current');
    assert.equal(hostLine(lines, add), 'fake@board1 -- pvtx add - < /h/e.tgz');
    const d = targetDriver(v);
    assert.equal(d.name, 'fake');
    await d.copyIn('/host/f', '/t/f', { timeoutSecs: 1 });
    assert.equal((await d.exec('cat /t/f', { timeoutSecs: 1 })).stdout, 'from /host/f');
    assert.equal((await d.exec('pvtx add -', { timeoutSecs: 1, stdin: Buffer.from('tgz') })).stdout, 'tgz');
    assert.equal(d.lockKey, 'fake:board1');
    await d.boot!.create({ runId: 'r1' });
    await d.boot!.startAppengine({ outFile: '/o' });
    await d.boot!.stopAppengine({ timeoutSecs: 1 });
    await d.boot!.remove();
    assert.deepEqual(fake.ran, ['cat /t/f', 'pvtx add -', 'create r1', 'start /o', 'stop', 'remove']);
  } finally {
    delete DRIVERS.fake;
  }
  assert.throws(() => userLinesOf({ container: 'c', driver: 'fake' }), (e: unknown) => e instanceof UsageError && e.message.endsWith(`(known: ${Object.keys(DRIVERS).join(', ')})`));
});

/** A fake running device (lifecycle 'running', no BootHooks) named by CONTAINER: `ran` records what it is asked to run. */
function fakeDevice(ran: string[], lockKey: (container: string) => string): DriverEntry {
  return {
    description: 'a device over ssh',
    lines: (v) => ({ userLine: (c) => `ssh ${v.container} ${c}` }),
    create: (v): TargetDriver => ({
      name: 'device',
      description: `device ${v.container}`,
      userLine: (c) => `ssh ${v.container} ${c}`,
      hostArgv: (words) => ['ssh', v.container, ...words],
      failure: () => undefined,
      exec: (command) => Promise.resolve((ran.push(command), { stdout: '', stderr: '', exitCode: 0 })),
      copyIn: () => Promise.reject(new Error('not used')),
      copyOut: () => Promise.reject(new Error('not used')),
      lifecycle: 'running',
      lockKey: lockKey(v.container),
      requireReachable: () => Promise.resolve(void ran.push('reachable')),
    }),
  };
}

test("a running device's driver (lifecycle 'running'): up, down and clean are one UsageError, test with JOBS=2 another, before anything is touched (test-N installs scenarios as updates: lib/run/device-run.ts)", async () => {
  const { bootHooks } = await import('../lib/run/exec.ts');
  const { up } = await import('../lib/run/up.ts');
  const { down, downCommand, clean } = await import('../lib/run/down.ts');
  const { runTests } = await import('../lib/run/test.ts');
  const ran: string[] = [];
  DRIVERS.device = fakeDevice(ran, (c) => `root@${c}:22`);
  try {
    const cfg = readConfig({ TARGET: 'board', CONTAINER: 'board1', PVTXD: '/nonexistent/pvtx.d' }, '/r', { values: { DRIVER: 'device' }, base: '/r' });
    const running = usage(
      /^TARGET=board is a running device \(device board1\): \S+ makes or removes a target, which the toolkit never does to a device; make test-N and capture-N install a scenario on it as an update$/,
    );
    assert.throws(() => bootHooks(cfg, 'test-1'), running);
    await assert.rejects(up(cfg), running);
    await assert.rejects(down(cfg), running);
    await assert.rejects(downCommand(cfg), running);
    await assert.rejects(clean(cfg), running);
    const jobs = process.env.JOBS;
    process.env.JOBS = '2';
    try {
      await assert.rejects(runTests(cfg, { scenarios: [] } as never, [], 'test-all'), usage(/^JOBS=2: device board1 runs one revision at a time; run its scenarios with JOBS=1$/));
    } finally {
      if (jobs === undefined) delete process.env.JOBS;
      else process.env.JOBS = jobs;
    }
    assert.deepEqual(ran, [], 'nothing ran on the device');
  } finally {
    delete DRIVERS.device;
  }
});

test("the run lock of a running device is the device's (user@host:port), whatever PVTXD: two devices side by side, one device one run", async () => {
  const { acquireRunLock, lockFile } = await import('../lib/run/run-lock.ts');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/lock-test-`);
  DRIVERS.device = fakeDevice([], (c) => `root@lock-test-${c}-${process.pid}:22`);
  const board = (name: string, pvtxd: string) => readConfig({ TARGET: 'board', CONTAINER: name, PVTXD: `${dir}/${pvtxd}` }, '/r', { values: { DRIVER: 'device' }, base: '/r' });
  const releases: (() => void)[] = [];
  try {
    const a = board('a', 'one'), b = board('b', 'one'), a2 = board('a', 'two');
    assert.notEqual(lockFile(a), lockFile(b), 'two devices, two locks');
    assert.equal(lockFile(a), lockFile(a2), 'one device, one lock whatever PVTXD');
    assert.ok(!lockFile(a).startsWith(dir), 'not beside PVTXD');
    releases.push(acquireRunLock(a, 'run-a'), acquireRunLock(b, 'run-b'));
    // the holder must be another live process: this one's own lock is taken over, so a child holds it
    releases.forEach((r) => r());
    releases.length = 0;
    const { spawn } = await import('node:child_process');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(lockFile(a), JSON.stringify({ pid: holder.pid, run: 'other-run', container: `root@lock-test-a-${process.pid}:22`, since: 'then' }));
      assert.throws(
        () => acquireRunLock(a2, 'run-a2'),
        (e: Error) => /^root@lock-test-a-\d+:22 is in use by run other-run \(pid \d+, since then\); one run at a time on a device: wait for it$/.test(e.message),
      );
      releases.push(acquireRunLock(b, 'run-b'));
    } finally {
      holder.kill();
      rmSync(lockFile(a), { force: true });
    }
  } finally {
    releases.forEach((r) => r());
    delete DRIVERS.device;
    rmSync(dir, { recursive: true, force: true });
  }
});
