import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathOverlap } from '../lib/run/paths.ts';

const base = { PVTXD: '/w/pvtx.d', ARTIFACTS: '/w/build/deploy', REPORT_DIR: '/w/reports', WORK_DIR: '/w/.work' };

test('pathOverlap: the defaults side by side are fine', () => {
  assert.equal(pathOverlap(base), undefined);
  // reports around pvtx.d (REPORT_DIR=.) write only their own run directories
  assert.equal(pathOverlap({ ...base, REPORT_DIR: '/w' }), undefined);
});

test("pathOverlap: PVTXD is, is inside or holds ARTIFACTS (stage would delete the build's pvrexports)", () => {
  assert.match(pathOverlap({ ...base, PVTXD: '/w/build/deploy' })!, /^PVTXD=\/w\/build\/deploy is ARTIFACTS=\/w\/build\/deploy: stage-N deletes/);
  assert.match(pathOverlap({ ...base, PVTXD: '/w/build/deploy/' })!, /is ARTIFACTS/);
  assert.match(pathOverlap({ ...base, PVTXD: '/w/build/deploy/pvtx.d' })!, /is inside ARTIFACTS/);
  assert.match(pathOverlap({ ...base, PVTXD: '/w/build' })!, /holds ARTIFACTS/);
  assert.match(pathOverlap({ ...base, PVTXD: '/' })!, /holds ARTIFACTS/);
  // a sibling whose name merely starts the same is not inside
  assert.equal(pathOverlap({ ...base, PVTXD: '/w/build/deploy-pvtx.d' }), undefined);
});

test('pathOverlap: PVTXD and the reports or the work directory; WORK_DIR and ARTIFACTS', () => {
  assert.match(pathOverlap({ ...base, PVTXD: '/w/reports' })!, /^PVTXD=\/w\/reports is REPORT_DIR=/);
  assert.match(pathOverlap({ ...base, REPORT_DIR: '/w/pvtx.d/r' })!, /PVTXD=\/w\/pvtx.d holds REPORT_DIR/);
  assert.match(pathOverlap({ ...base, WORK_DIR: '/w/pvtx.d' })!, /is WORK_DIR/);
  assert.match(pathOverlap({ ...base, PVTXD: '/w/.work/derive/x' })!, /is inside WORK_DIR/);
  assert.match(pathOverlap({ ...base, WORK_DIR: '/w/build/deploy' })!, /^WORK_DIR=\/w\/build\/deploy is ARTIFACTS=.*written over the build's own; choose another WORK_DIR$/);
});
