/**
 * Issue 25 item 1, the ssh driver (TARGET=device), offline: DEVICE parsing (good forms and each
 * refusal, one line, exit 2), the argv of every call (no host shell: the line is one word), the
 * lines a person types, and each of ssh's own failures classified from the stderr real ssh
 * printed (test/samples/ssh/, README there), one line, exit 3.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, UsageError } from '../lib/tooling/errors.ts';
import { readConfig } from '../lib/tooling/config.ts';
import { deviceName, DRIVER as SSH, onPath, parseDevice, sshArgv, sshDriver, sshFailure, sshLines } from '../lib/target/ssh.ts';
import { driverEntry, userLinesOf } from '../lib/target/registry.ts';
import { hostLine, updateCommands } from '../lib/run/update-step.ts';

const usage = (re: RegExp) => (e: Error) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n');
const sample = (name: string) => readFileSync(new URL(`./samples/ssh/${name}.stderr`, import.meta.url), 'utf8');

test('DEVICE: [user@]host[:port], user _pv_ and port 8222 by default; host names, IPv4, [IPv6]', () => {
  assert.deepEqual(parseDevice('192.0.2.10'), { user: '_pv_', host: '192.0.2.10', port: 8222 });
  assert.deepEqual(parseDevice('_pv_@198.18.0.2:8222'), { user: '_pv_', host: '198.18.0.2', port: 8222 });
  assert.deepEqual(parseDevice('pv-nginx@board-1.lan:22'), { user: 'pv-nginx', host: 'board-1.lan', port: 22 });
  assert.deepEqual(parseDevice('[fd00::2]'), { user: '_pv_', host: 'fd00::2', port: 8222 });
  assert.deepEqual(parseDevice('root@[fd00::2]:2222'), { user: 'root', host: 'fd00::2', port: 2222 });
  assert.equal(deviceName(parseDevice('[fd00::2]')), '_pv_@[fd00::2]:8222');
  assert.equal(deviceName(parseDevice('board')), '_pv_@board:8222');
});

test('DEVICE: every other form is refused, one line, exit 2, naming the form', () => {
  assert.throws(() => parseDevice(undefined), usage(/^TARGET=device needs DEVICE: give DEVICE=\[user@\]host\[:port\]/));
  assert.throws(() => parseDevice(''), usage(/needs DEVICE/));
  for (
    const bad of [
      '-oProxyCommand=x', // an ssh option, never
      'host;reboot',
      'a b',
      'host\nother',
      '$(id)',
      '`id`',
      'fd00::2', // IPv6 without brackets: the port would be ambiguous
      '[fd00::2',
      '[not-v6]',
      '[::ffff:1.2.3.4;x]',
      'host:0',
      'host:65536',
      'host:08',
      'host:',
      'host:22:33',
      '256.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      'us er@h',
      'u;x@h',
      '-u@h',
      '@h',
      'a@b@c',
      'h-',
      '.h',
      '',
    ].filter(Boolean)
  ) {
    assert.throws(() => parseDevice(bad), usage(/^DEVICE=.* (is not|has)/), bad);
  }
});

test('the configuration: TARGET=device (DRIVER=ssh) without DEVICE, or with a bad one, is refused; DEVICE_KEY and DEVICE_KNOWN_HOSTS become absolute', () => {
  const preset = { values: { DRIVER: 'ssh' }, base: '/repo' };
  assert.throws(() => readConfig({}, '/cwd', preset), usage(/^TARGET=device needs DEVICE/));
  assert.throws(() => readConfig({ DEVICE: 'a b' }, '/cwd', preset), usage(/^DEVICE="a b" has the host/));
  // a bad DEVICE is refused whatever the target: it is bad input
  assert.throws(() => readConfig({ DEVICE: 'h:99999' }, '/cwd'), usage(/has the port/));
  const cfg = readConfig({ DEVICE: '_pv_@198.18.0.2:8222', DEVICE_KEY: 'k/id', DEVICE_KNOWN_HOSTS: '/abs/kh' }, '/cwd', preset);
  assert.equal(cfg.driver, 'ssh');
  assert.deepEqual([cfg.device, cfg.deviceKey, cfg.deviceKnownHosts], ['_pv_@198.18.0.2:8222', '/cwd/k/id', '/abs/kh']);
  assert.deepEqual([readConfig({}, '/cwd').deviceKey, readConfig({}, '/cwd').deviceKnownHosts], ['', '']);
});

const a = parseDevice('_pv_@198.18.0.2:8222');
const v = { deviceKey: '/k/id_ed25519', deviceKnownHosts: '/k/known hosts' };

test('the argv: ssh -p PORT -i KEY, the explicit known-hosts file, strict, batch, a connect deadline; the line one word, no host shell', () => {
  const line = `pvtx add - && echo "it's" $(date) | tee '/a b'`;
  assert.deepEqual(sshArgv(a, v, line, { stdin: true }), [
    'ssh',
    '-p',
    '8222',
    '-i',
    '/k/id_ed25519',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'UserKnownHostsFile=/k/known hosts',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=3',
    '_pv_@198.18.0.2',
    line,
  ]);
  // no stdin given: -n (ssh would read the host's terminal); a terminal: -t; no line: the login shell
  assert.deepEqual(sshArgv(a, v, 'true').slice(-3), ['-n', '_pv_@198.18.0.2', 'true']);
  assert.deepEqual(sshArgv(a, v, 'sh', { stdin: true, tty: true }).slice(-3), ['-t', '_pv_@198.18.0.2', 'sh']);
  assert.deepEqual(sshArgv(a, v, undefined, { tty: true }).slice(-2), ['-t', '_pv_@198.18.0.2']);
  // no key, no known-hosts file given: ssh's own keys, ssh's own known_hosts, still checked strictly
  const plain = sshArgv(a, {}, 'true', {}, '/home/qa');
  assert.ok(!plain.includes('-i'));
  assert.deepEqual(plain.slice(3, 7), ['-o', 'UserKnownHostsFile=/home/qa/.ssh/known_hosts', '-o', 'StrictHostKeyChecking=yes']);
  // IPv6: ssh takes the address bare after user@ (-p carries the port)
  assert.equal(sshArgv(parseDevice('[fd00::2]:2222'), {}, 'true').at(-2), '_pv_@fd00::2');
});

test('the live driver: hostArgv quotes each word into the one line; lifecycle running, lock key user@host:port, no boot', () => {
  const key = new URL('./samples/ssh/README.md', import.meta.url).pathname; // any readable file
  assert.equal(driverEntry('ssh'), SSH);
  const d = sshDriver({ container: 'unused', device: '198.18.0.2', ...v, deviceKey: key });
  assert.equal(d.name, 'ssh');
  assert.equal(d.lifecycle, 'running');
  assert.equal(d.lockKey, '_pv_@198.18.0.2:8222');
  assert.equal(d.description, 'device _pv_@198.18.0.2:8222 (ssh)');
  assert.equal((d as { boot?: unknown }).boot, undefined);
  assert.deepEqual(d.hostArgv(['sh', '-c', "tail -f '/x y'"]).slice(-2), ['_pv_@198.18.0.2', `sh -c "tail -f '/x y'"`]);
  assert.deepEqual(d.hostArgv(['tail', '-n', '+1', '-f', '/var/log/a b'], { tty: true }).slice(-3), ['-t', '_pv_@198.18.0.2', "tail -n +1 -f '/var/log/a b'"]);
  assert.deepEqual(d.hostArgv(['sh'], { stdin: true, tty: true }).slice(-3), ['-t', '_pv_@198.18.0.2', 'sh']);
  // bad DEVICE: refused where the driver is made, one line, exit 2
  assert.throws(() => sshDriver({ container: 'c', device: 'x;y' }), usage(/^DEVICE="x;y"/));
  // a key that is not there: refused (ssh would only warn and try its own keys)
  assert.throws(() => sshDriver({ container: 'c', device: 'h', deviceKey: '/nonexistent/id' }), usage(/^DEVICE_KEY=\/nonexistent\/id is not a readable file/));
});

test('user lines: what a person types, the command one quoted word, stdin and terminals as ssh takes them', () => {
  const l = sshLines(a, { deviceKey: '/k/id_ed25519' });
  assert.equal(l.userLine('lxc-ls -f'), "ssh -p 8222 -i /k/id_ed25519 _pv_@198.18.0.2 'lxc-ls -f'");
  assert.equal(l.userLine('pvtx add -', { stdinFrom: '/x/a b.tgz' }), "ssh -p 8222 -i /k/id_ed25519 _pv_@198.18.0.2 'pvtx add -' < '/x/a b.tgz'");
  assert.equal(l.userLine('sh', { tty: true }), 'ssh -t -p 8222 -i /k/id_ed25519 _pv_@198.18.0.2 sh');
  assert.equal(sshLines(a, {}).userLine('true'), 'ssh -p 8222 _pv_@198.18.0.2 true');
  assert.equal(sshLines(a, v).userLine('true'), "ssh -p 8222 -i /k/id_ed25519 -o 'UserKnownHostsFile=/k/known hosts' _pv_@198.18.0.2 true");
  // the update step's lines, as on docker, through the registry
  const lines = userLinesOf({ container: 'c', driver: 'ssh', device: '198.18.0.2' });
  const cmds = updateCommands({ revision: 'locals/r1', add: ['pv-x'] } as never, (n) => `/a/${n}.pvrexport.tgz`);
  assert.deepEqual(cmds.map((c) => hostLine(lines, c)).slice(0, 2), [
    "ssh -p 8222 _pv_@198.18.0.2 'pvtx begin current'",
    "ssh -p 8222 _pv_@198.18.0.2 'pvtx add -' < /a/pv-x.pvrexport.tgz",
  ]);
});

const fail = (name: string, exitCode = 255) =>
  sshFailure(parseDevice('_pv_@127.0.0.1:8222'), { deviceKey: '/k/id', deviceKnownHosts: '/k/known_hosts' }, { stdout: '', stderr: sample(name), exitCode });
const oneLine = (e: Error | undefined, re: RegExp, what: string) => {
  assert.ok(e instanceof EnvironmentError, `${what}: an EnvironmentError (exit 3)`);
  assert.equal(e.exitCode, 3);
  assert.ok(!e.message.includes('\n'), `${what}: one line: ${e.message}`);
  assert.match(e.message, re, what);
};

test("ssh's own failures, from real stderr: each one line, exit 3, saying what happened and what to do", () => {
  oneLine(
    fail('refused'),
    /^device _pv_@127\.0\.0\.1:8222: nothing listens on 127\.0\.0\.1:8222 \(ssh: connect to host 127\.0\.0\.1 port 8223: Connection refused\): is Pantavisor's SSH on/,
    'refused',
  );
  oneLine(fail('timeout'), /^device _pv_@127\.0\.0\.1:8222 cannot be reached \(ssh: connect to host .* Connection timed out\)$/, 'timed out');
  oneLine(fail('unreachable'), /cannot be reached \(.*Network is unreachable\)$/, 'no route');
  oneLine(fail('wrong-key'), /^device _pv_@127\.0\.0\.1:8222 refused the key \/k\/id \(_pv_@127\.0\.0\.1: Permission denied \(publickey,password\)\.\): give DEVICE_KEY=/, 'wrong key');
  oneLine(fail('unknown-host'), /its host key is not in \/k\/known_hosts \(unknown host.*ssh-keyscan -p 8222 127\.0\.0\.1 >> \/k\/known_hosts/, 'unknown host key');
  oneLine(
    fail('changed-host'),
    /not the one \/k\/known_hosts holds for it \(changed.*ssh-keygen -R '\[127\.0\.0\.1\]:8222' -f \/k\/known_hosts; ssh-keyscan -p 8222 127\.0\.0\.1 >> \/k\/known_hosts$/,
    'changed host key',
  );
  oneLine(fail('closed-mid'), /closed the connection in the middle of the command \(a reboot\?\): Connection to 127\.0\.0\.1 closed by remote host\.$/, 'closed mid-command');
  oneLine(fail('silent-mid'), /stopped answering in the middle of the command \(a reboot, or power lost\?\): Timeout, server 127\.0\.0\.1 not responding\.$/, 'silent mid-command');
  oneLine(fail('closed-before'), /closed the connection before login .*: Connection reset by 127\.0\.0\.1 port 8225$/, 'closed before login');
  oneLine(sshFailure(a, {}, { stdout: '', stderr: 'ssh: something new\n', exitCode: 255 }), /^ssh to _pv_@198\.18\.0\.2:8222 failed \(exit 255\): ssh: something new$/, 'unknown');
  // 255 with no line of ssh's own is the command's status: Test 6's `pvcontrol containers stop` over
  // make device-dev (fallbear-cmd's cgroup lines on stderr; an ERROR of the run before, issue 25)
  const fallbear = '/usr/bin/fallbear-cmd: line 121: /sys/fs/cgroup/unified/cgroup.procs: No such file or directory\n';
  assert.equal(sshFailure(a, {}, { stdout: '\n', stderr: fallbear, exitCode: 255 }), undefined);
  assert.equal(sshFailure(a, {}, { stdout: '', stderr: 'something new\n', exitCode: 255 }), undefined);
});

test('the same failures as ssh printed them against make device-dev (test/samples/ssh/device-dev/): each classified', () => {
  const dev = parseDevice('_pv_@198.18.17.2:8222');
  const kh = { deviceKey: '/k/id', deviceKnownHosts: '/k/known_hosts' };
  const classes: Record<string, RegExp> = {
    refused: /nothing listens on 198\.18\.17\.2:8222 \(ssh: connect to host 198\.18\.17\.2 port 8223: Connection refused\)/,
    'refused-during-reboot': /nothing listens on .*port 8222: Connection refused\)/,
    timeout: /^device _pv_@198\.18\.17\.2:8222 cannot be reached \(Connection to 198\.18\.17\.2 port 8222 timed out\)$/,
    unreachable: /cannot be reached \(ssh: connect to host 198\.18\.17\.99 port 8222: No route to host\)$/,
    'wrong-key': /refused the key \/k\/id \(_pv_@198\.18\.17\.2: Permission denied \(publickey,password\)\.\)/,
    'unknown-host': /host key is not in \/k\/known_hosts .*ssh-keyscan -p 8222 198\.18\.17\.2 >> \/k\/known_hosts/,
    'changed-host': /changed.*ssh-keygen -R '\[198\.18\.17\.2\]:8222' -f \/k\/known_hosts; ssh-keyscan -p 8222 198\.18\.17\.2 >> \/k\/known_hosts$/,
    'closed-mid': /closed the connection in the middle of the command \(a reboot\?\): Connection to 198\.18\.17\.2 closed by remote host\.$/,
    'silent-mid': /stopped answering in the middle of the command .*: Timeout, server 198\.18\.17\.2 not responding\.$/,
  };
  for (const [name, re] of Object.entries(classes)) {
    oneLine(sshFailure(dev, kh, { stdout: '', stderr: sample(`device-dev/${name}`), exitCode: 255 }), re, `device-dev ${name}`);
  }
});

test("a command's own result is never an ssh failure: its exit status and stderr are the command's", () => {
  for (const code of [0, 1, 2, 3, 7, 124, 127, -1]) assert.equal(fail('refused', code), undefined, String(code));
  assert.equal(sshFailure(a, {}, { stdout: '', stderr: 'lxc-ls: not found\n', exitCode: 127 }), undefined);
});

test('requireReachable looks for ssh on PATH first: an executable file of one of its directories, nothing else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-path-'));
  try {
    mkdirSync(join(dir, 'a/ssh'), { recursive: true }); // a directory named ssh: not it
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b/ssh'), '#!/bin/sh\n'); // not executable: not it
    assert.equal(onPath('ssh', `${dir}/a:${dir}/b::${dir}/none`), false);
    chmodSync(join(dir, 'b/ssh'), 0o755);
    assert.equal(onPath('ssh', `${dir}/a:${dir}/b`), true);
    assert.equal(onPath('ssh', ''), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
