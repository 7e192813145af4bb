/**
 * Bundles captured on a running device (issue 25) re-verify offline to their live verdicts: their
 * meta.json names the revision installed (meta.device), and verifyBundle judges the scenario as a
 * device runs it (lib/device/form.ts onDevice). Fixtures: test/fixtures/bundles-device/test-7 and
 * test-8, Tests 7 and 8 in their TESTING/ROLLBACK form on the dev appengine of pantavisor
 * 303584a7 (2026-12-07), both PASSED live. Without meta.device the same files are judged as the
 * plan's first boot, which they are not: Test 7 fails (its rollback point's containers run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readConfig } from '../lib/tooling/config.ts';
import { findScenario, parsePlan } from '../lib/plan/scenarios.ts';
import { verifyBundle } from '../lib/run/verify.ts';

const plan = parsePlan(readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8'));
const cfg = readConfig({}, process.cwd());
const fixture = (id: string) => new URL(`./fixtures/bundles-device/test-${id}`, import.meta.url).pathname;

for (const id of ['7', '8']) {
  test(`device bundle of Test ${id}: meta.device names the installed revision; offline it is PASSED, as live`, () => {
    const meta = JSON.parse(readFileSync(`${fixture(id)}/meta.json`, 'utf8'));
    assert.match(meta.device.revision, new RegExp(`^locals/pv-ipam-tests-${id}-`));
    assert.equal(meta.device.form, 'testing-rollback');
    const { report } = verifyBundle(cfg, plan, findScenario(plan, id), fixture(id));
    assert.equal(report.status, 'passed', JSON.stringify(report.checks.filter((c) => !c.pass)));
    const progress = report.checks.find((c) => c.id === `t${id}-no-container-running`)!;
    assert.match(progress.expected, /status ERROR with status-msg "A container could not be started"/);
  });
}

test('the same Test 7 files without meta.device are judged as a first boot, and fail (the rollback point runs containers)', () => {
  const dir = mkdtempSync(`${tmpdir()}/device-bundle-`);
  try {
    cpSync(fixture('7'), dir, { recursive: true });
    const meta = JSON.parse(readFileSync(`${dir}/meta.json`, 'utf8'));
    delete meta.device;
    writeFileSync(`${dir}/meta.json`, JSON.stringify(meta));
    const { report } = verifyBundle(cfg, plan, findScenario(plan, '7'), dir);
    assert.equal(report.status, 'failed');
    assert.deepEqual(report.checks.filter((c) => !c.pass).map((c) => c.id), ['t7-no-container-running']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
