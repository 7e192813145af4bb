import { test } from 'node:test';
import assert from 'node:assert/strict';
import { variableNamed } from '../lib/tooling/variables.ts';
import { checkRequired, type Config, DEFAULTS, DESCRIPTIONS, jobsOf, parsePreset, readConfig, shellWords, SWITCHES } from '../lib/tooling/config.ts';
import { UsageError } from '../lib/tooling/errors.ts';
import { isIPv4 } from '../lib/ip.ts';

const CWD = '/home/u/meta-pantavisor';

test('defaults are the plan values', () => {
  const c = readConfig({}, CWD);
  assert.equal(c.container, 'pva-test');
  assert.equal(c.volume, 'storage-test');
  assert.equal(c.image, 'pantavisor-appengine:latest');
  assert.equal(c.target, 'appengine');
  assert.equal(c.targetLabel, 'pantavisor-appengine');
  assert.deepEqual(c.dockerRunOpts, ['--privileged']);
  assert.equal(c.pvtxdMount, '/usr/lib/pantavisor/pvtx.d');
  assert.equal(c.storagePath, '/var/pantavisor/storage');
  assert.equal(c.logFile, '/var/pantavisor/storage/logs/0/pantavisor/pantavisor.log');
  assert.equal(c.deviceJsonFile, '/var/pantavisor/storage/trails/0/device.json');
  assert.equal(c.appengineOut, '/var/pantavisor/storage/.pv-ipam-tests/pv-appengine.out');
  assert.equal(c.label, 'pv-ipam-tests');
  assert.equal(c.keep, false);
  assert.equal(c.dryRun, false);
});

test('EXTERNAL_HOST default is the plan value and what readConfig returns', () => {
  const c = readConfig({}, CWD);
  assert.equal(c.externalHost, DEFAULTS.EXTERNAL_HOST);
  assert.ok(isIPv4(DEFAULTS.EXTERNAL_HOST));
  assert.equal(readConfig({ EXTERNAL_HOST: '' }, CWD).externalHost, DEFAULTS.EXTERNAL_HOST);
  assert.equal(readConfig({ EXTERNAL_HOST: '203.0.113.7' }, CWD).externalHost, '203.0.113.7');
});

test('timeouts in ms from the seconds defaults', () => {
  const c = readConfig({}, CWD);
  assert.equal(c.bootTimeoutMs, 90_000);
  assert.equal(c.stepTimeoutMs, 60_000);
  assert.equal(c.settleTimeoutMs, 15_000);
  assert.equal(c.pollIntervalMs, 300);
  assert.equal(c.cmdTimeoutSecs, 20);
});

test('relative paths resolve against cwd, absolute ones stay', () => {
  const c = readConfig({}, CWD);
  assert.equal(c.pvtxd, `${CWD}/pvtx.d`);
  assert.equal(c.artifacts, `${CWD}/build/tmp-scarthgap/deploy/images/docker-x86_64`);
  assert.equal(c.imageTar, `${CWD}/build/tmp-scarthgap/deploy/images/docker-x86_64/pantavisor-appengine-docker.tar`);
  assert.equal(c.reportDir, `${CWD}/reports`);
  assert.equal(c.workDir, `${CWD}/.work`);
  const o = readConfig({ PVTXD: '/srv/pvtx.d', ARTIFACTS: 'out', IMAGE_TAR: 'img.tar', REPORT_DIR: '/r' }, CWD);
  assert.equal(o.pvtxd, '/srv/pvtx.d');
  assert.equal(o.artifacts, `${CWD}/out`);
  assert.equal(o.imageTar, `${CWD}/img.tar`);
  assert.equal(o.reportDir, '/r');
  // IMAGE_TAR follows ARTIFACTS when unset
  assert.equal(readConfig({ ARTIFACTS: '/a' }, CWD).imageTar, '/a/pantavisor-appengine-docker.tar');
});

test('environment overrides', () => {
  const c = readConfig({
    CONTAINER: 'my-test',
    VOLUME: 'vol2',
    IMAGE: 'img:1',
    TARGET: 'lab',
    TARGET_LABEL: 'Lab board',
    DOCKER_RUN_OPTS: '--privileged -e "PV_LOG_LEVEL=5" --name \'x y\'',
    BOOT_TIMEOUT: '120',
    STEP_TIMEOUT: '1.5',
    SETTLE_TIMEOUT: '2',
    POLL_INTERVAL: '0.05',
    CMD_TIMEOUT: '0.5',
    KEEP: '1',
    DRY_RUN: 'true',
    LOG_FILE: '/l',
    DEVICE_JSON: '/d',
    APPENGINE_OUT: '/o',
    LABEL: 'other',
  }, CWD);
  assert.equal(c.container, 'my-test');
  assert.equal(c.volume, 'vol2');
  assert.equal(c.image, 'img:1');
  assert.equal(c.target, 'lab');
  assert.equal(c.targetLabel, 'Lab board');
  assert.deepEqual(c.dockerRunOpts, ['--privileged', '-e', 'PV_LOG_LEVEL=5', '--name', 'x y']);
  assert.equal(c.bootTimeoutMs, 120_000);
  assert.equal(c.stepTimeoutMs, 1500);
  assert.equal(c.settleTimeoutMs, 2000);
  assert.equal(c.pollIntervalMs, 50);
  assert.equal(c.cmdTimeoutSecs, 1, 'rounded up to whole seconds for timeout(1)');
  assert.equal(c.keep, true);
  assert.equal(c.dryRun, true);
  assert.equal(c.logFile, '/l');
  assert.equal(c.deviceJsonFile, '/d');
  assert.equal(c.appengineOut, '/o');
  assert.equal(c.label, 'other');
});

test('switches take 1/true or 0/false (empty: the default); anything else is refused naming the variable', () => {
  for (const name of SWITCHES) {
    const key = { STRICT: 'strict', KEEP: 'keep', DRY_RUN: 'dryRun', VERBOSE: 'verbose', PROGRESS: 'progress', FOLLOW: 'follow', FORCE: 'force' }[name] as keyof Config;
    for (const v of ['1', 'true']) assert.equal(readConfig({ [name]: v }, CWD)[key], true, `${name}=${v}`);
    for (const v of ['0', 'false']) assert.equal(readConfig({ [name]: v }, CWD)[key], false, `${name}=${v}`);
    assert.equal(readConfig({ [name]: '' }, CWD)[key], DEFAULTS[name] === '1', `${name}= is its default`);
    // issue 21: STRICT=yes|on|TRUE|2 ran as if unset
    for (const v of ['yes', 'on', 'TRUE', '2', ' 1', 'no', 'off', '1\n']) {
      assert.throws(
        () => readConfig({ [name]: v }, CWD),
        (e: Error) => e instanceof UsageError && e.message === `${name} must be 1 or 0 (true or false; empty for its default, ${DEFAULTS[name]}), got ${JSON.stringify(v)}`,
        `${name}=${v}`,
      );
    }
  }
});

test('LOG and JOBS take their closed sets only', () => {
  assert.equal(readConfig({ LOG: 'appengine' }, CWD).log, 'appengine');
  assert.equal(readConfig({}, CWD).log, 'pantavisor');
  assert.throws(() => readConfig({ LOG: 'pv-appengine' }, CWD), /LOG must be one of pantavisor, appengine/);
  for (const j of ['0', '17', 'two', '1.5', '-1']) assert.throws(() => readConfig({ JOBS: j }, CWD), /JOBS must be a whole number from 1 to 16/, j);
  assert.equal(jobsOf('4'), 4);
});

test('REQUIRE names capabilities of the plan: a typo is refused naming the known ones', () => {
  assert.doesNotThrow(() => checkRequired(new Set(['iptables', 'isolation']), ['iptables', 'isolation']));
  assert.doesNotThrow(() => checkRequired(new Set(), ['iptables']));
  assert.throws(
    () => checkRequired(new Set(['iptable']), ['iptables', 'isolation']),
    (e: Error) => e instanceof UsageError && e.message === 'REQUIRE names "iptable", not a capability of scenarios.json (known: iptables, isolation); separate several with commas or spaces',
  );
});

test('an empty value means the default', () => {
  const env: Record<string, string> = {};
  for (const k of Object.keys(DEFAULTS)) env[k] = '';
  assert.deepEqual(readConfig(env, CWD), readConfig({}, CWD));
  assert.equal(readConfig({ CONTAINER: '' }, CWD).container, 'pva-test');
  assert.equal(readConfig({ CONTAINER: undefined }, CWD).container, 'pva-test');
  assert.equal(readConfig({ BOOT_TIMEOUT: '' }, CWD).bootTimeoutMs, 90_000);
});

test('bad numbers are UsageErrors naming the variable', () => {
  for (
    const [name, value] of [['BOOT_TIMEOUT', 'abc'], ['STEP_TIMEOUT', '0'], ['SETTLE_TIMEOUT', '-5'], ['POLL_INTERVAL', 'Infinity'], ['CMD_TIMEOUT', 'NaN'], ['BOOT_TIMEOUT', '10s'], [
      'STEP_TIMEOUT',
      ' ',
    ]]
  ) {
    assert.throws(() => readConfig({ [name]: value }, CWD), (e: unknown) => {
      assert.ok(e instanceof UsageError, `${name}=${value}`);
      assert.equal((e as UsageError).exitCode, 2);
      assert.match((e as Error).message, new RegExp(`^${name} must be a positive number of seconds, got '${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'$`));
      return true;
    });
  }
});

test('an unbalanced quote in DOCKER_RUN_OPTS is a UsageError', () => {
  assert.throws(() => readConfig({ DOCKER_RUN_OPTS: '--name "x' }, CWD), UsageError);
});

test('every described variable has a default, or is one a script reads itself (passed by make, never by a preset)', () => {
  for (const k of Object.keys(DESCRIPTIONS)) assert.ok(k in DEFAULTS || variableNamed(k)?.make, k);
});

test('shellWords: whitespace, quotes and empty words', () => {
  assert.deepEqual(shellWords(''), []);
  assert.deepEqual(shellWords('   \t\n '), []);
  assert.deepEqual(shellWords('--privileged'), ['--privileged']);
  assert.deepEqual(shellWords('  a\tb\n c  '), ['a', 'b', 'c']);
  assert.deepEqual(shellWords('-e "A=b c" -v \'/x y:/z\''), ['-e', 'A=b c', '-v', '/x y:/z']);
  assert.deepEqual(shellWords('--env=NAME="a b"c'), ['--env=NAME=a bc']);
  assert.deepEqual(shellWords('a""b'), ['ab']);
  assert.deepEqual(shellWords('"" x'), ['', 'x']);
  assert.deepEqual(shellWords("''"), ['']);
  assert.deepEqual(shellWords(`"it's" 'say "hi"'`), ["it's", 'say "hi"']);
  assert.deepEqual(shellWords('$HOME *'), ['$HOME', '*'], 'no expansion');
});

test('shellWords: an unbalanced quote throws a UsageError', () => {
  for (const bad of ['"abc', "it's", 'a "b c', "'"]) {
    assert.throws(() => shellWords(bad), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal((e as Error).message, `unbalanced quote in '${bad}'`);
      return true;
    }, bad);
  }
});

test('a target preset gives defaults; the environment still wins; its paths are relative to the repository', () => {
  const values = parsePreset('# comment\nIMAGE=lab:latest\nARTIFACTS=lab/out/deploy\n\nDOCKER_RUN_OPTS=--network none -e LAB_FAULTS\n', 'lab/preset.env');
  assert.deepEqual(values, { IMAGE: 'lab:latest', ARTIFACTS: 'lab/out/deploy', DOCKER_RUN_OPTS: '--network none -e LAB_FAULTS' });
  const c = readConfig({}, CWD, { values, base: '/repo' });
  assert.equal(c.image, 'lab:latest');
  assert.equal(c.artifacts, '/repo/lab/out/deploy');
  assert.deepEqual(c.dockerRunOpts, ['--network', 'none', '-e', 'LAB_FAULTS']);
  const e = readConfig({ IMAGE: 'mine', ARTIFACTS: 'out' }, CWD, { values, base: '/repo' });
  assert.equal(e.image, 'mine');
  assert.equal(e.artifacts, `${CWD}/out`);
  assert.throws(() => parsePreset('IMAGE lab', 'p.env'), (e: Error) => e instanceof UsageError && /p\.env:1: not KEY=VALUE/.test(e.message));
});
