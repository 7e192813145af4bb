// The single file (make dist): its command line (scripts/dist/verb.ts) and the built file run
// alone in an empty directory: --version, the verbs that need the repository, the embedded plan
// and a SCENARIOS file that wins over it, a TARGET preset whose folder lives in the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseCommand, repositoryOnly } from '../lib/dist/command.ts';
import { buildDist, commitOf } from '../lib/dist/build.ts';
import { VARIABLES } from '../lib/variables.ts';
import { UsageError } from '../lib/errors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VARS = VARIABLES.map((v) => v.name);

test('parseCommand: a verb names its script; N, NAME=value and --name=value become the environment', () => {
  assert.deepEqual(parseCommand(['verify-9', 'SNAPSHOT=b/test-9'], VARS), { script: 'verify', env: { N: '9', SNAPSHOT: 'b/test-9' }, args: [] });
  assert.deepEqual(parseCommand(['test-all', '--only=1 3', '--report-dir=/r'], VARS), { script: 'test', env: { N: 'all', ONLY: '1 3', REPORT_DIR: '/r' }, args: [] });
  assert.deepEqual(parseCommand(['test-pool-exhaustion'], VARS).env, { N: 'pool-exhaustion' });
  assert.deepEqual(parseCommand(['capture-1', 'CAPTURE_DIR=a b'], VARS), { script: 'capture', env: { N: '1', CAPTURE_DIR: 'a b' }, args: [] });
  assert.deepEqual(parseCommand(['junit-merge', 'a/report.json', '--out', 'm.xml', 'b/'], VARS), { script: 'junit-merge', env: {}, args: ['a/report.json', '--out', 'm.xml', 'b/'] });
  assert.deepEqual(parseCommand(['plan', '--check', '--out=x.md'], VARS), { script: 'plan', env: {}, args: ['--check', '--out=x.md'] });
  assert.deepEqual(parseCommand(['rerun', 'REPORT=reports/x'], VARS), { script: 'rerun', env: { REPORT: 'reports/x' }, args: [] });
  assert.equal(parseCommand([], VARS).script, 'help');
  assert.equal(parseCommand(['--version'], VARS).script, 'version');
});

test('parseCommand: an unknown verb, variable, option or argument is a usage error (exit 2)', () => {
  for (const argv of [['bogus'], ['verify-9', 'FOO=1'], ['verify-9', '--foo=1'], ['verify-9', '--check'], ['verify-9', 'extra'], ['test-9/x'], ['lint', 'x']]) {
    assert.throws(() => parseCommand(argv, VARS), UsageError, argv.join(' '));
  }
});

test("repositoryOnly: the lab, the dev build and the Makefile's single steps say where they run", () => {
  for (const verb of ['lab', 'appengine-dev', 'exports-dev', 'demo', 'unit', 'ci']) assert.match(repositoryOnly(verb)!, /needs the pv-ipam-tests repository/);
  for (const verb of ['up', 'down', 'stage-1', 'shell', 'build']) assert.match(repositoryOnly(verb)!, /repository's Makefile/);
  for (const verb of ['test-1', 'verify-all', 'lint', 'plan', 'junit-merge', 'rerun', 'capture-9']) assert.equal(repositoryOnly(verb), undefined);
  assert.throws(() => parseCommand(['lab'], VARS), /needs the pv-ipam-tests repository/);
});

test('the built file, alone in a directory: --version, repository verbs, embedded plan, SCENARIOS, TARGET presets', async () => {
  const dir = mkdtempSync(`${tmpdir()}/pv-single-`);
  try {
    const { js } = await buildDist(ROOT.replace(/\/$/, ''), `${dir}/dist`, false);
    const alone = `${dir}/alone`;
    spawnSync('mkdir', [alone]);
    copyFileSync(js, `${alone}/pv-ipam-tests.mjs`);
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, ['pv-ipam-tests.mjs', ...args], { cwd: alone, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1', REPORT_DIR: `${dir}/reports` } });
      return { status: r.status, out: r.stdout, err: r.stderr };
    };
    const v = run('--version');
    assert.equal(v.status, 0);
    assert.equal(v.out, `pv-ipam-tests ${JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version} (commit ${commitOf(ROOT)})\n`);
    const lab = run('lab');
    assert.deepEqual([lab.status, lab.err.trim().split('\n').length], [2, 1]);
    assert.match(lab.err, /^pv-ipam-tests: lab needs the pv-ipam-tests repository/);
    assert.equal(run('up').status, 2);
    assert.equal(run('bogus').status, 2);
    // the embedded plan, then a SCENARIOS file that wins over it
    const plan = run('plan');
    assert.equal(plan.status, 0);
    assert.match(plan.out, /^# .*IPAM/m);
    const mine = JSON.parse(readFileSync(`${ROOT}scenarios.json`, 'utf8'));
    mine.plan.title = 'A plan of my own';
    writeFileSync(`${dir}/mine.json`, JSON.stringify(mine));
    assert.match(run('plan', `SCENARIOS=${dir}/mine.json`).out, /A plan of my own/);
    assert.doesNotMatch(plan.out, /A plan of my own/);
    assert.equal(run('plan', `SCENARIOS=${dir}/missing.json`).status, 2);
    // TARGET=dev: its preset is embedded, its folder of exports is the repository's: give it
    const dev = run('test-1', 'TARGET=dev');
    assert.equal(dev.status, 2);
    assert.match(dev.err, /TARGET=dev: ARTIFACTS=dev\/out\/\S+ is a folder of the pv-ipam-tests repository; give ARTIFACTS=DIR/);
    // and its image is the one the repository's build tagged (dev/out/preset.env), never :latest unasked
    const image = run('test-1', 'TARGET=dev', `ARTIFACTS=${dir}`);
    assert.equal(image.status, 2);
    assert.match(image.err, /TARGET=dev: IMAGE is what the repository's build wrote \(dev\/out\/preset.env\); give IMAGE=/);
    // a fixture bundle: the repository's verdict
    const nine = run('verify-9', `SNAPSHOT=${ROOT}test/fixtures/bundles/test-9`);
    assert.equal(nine.status, 0, nine.err);
    assert.match(nine.out, /^Test 9: PASSED /m);
    assert.deepEqual(spawnSync('ls', ['-A', alone], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean), ['pv-ipam-tests.mjs']);
    // a file it writes is named as the user gave it (relative to the current directory, not to the file's folder's parent)
    assert.equal(run('plan', '--out=doc/plan.md').out, 'wrote doc/plan.md\n');
    assert.match(readFileSync(`${alone}/doc/plan.md`, 'utf8'), /^# .*IPAM/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
