import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stability } from '../lib/settle.ts';

test('Stability: the same verdicts for stableMs are stable; a check turning pass or fail restarts the clock', () => {
  let t = 0;
  const s = new Stability(3000, () => t);
  const a = [{ id: 'x', pass: false, actual: 'none in 140 log lines' }, { id: 'y', pass: true, actual: 'ok' }];
  assert.equal(s.observe(a), false);
  t = 2999;
  assert.equal(s.observe(a), false);
  t = 3000;
  assert.equal(s.observe([{ id: 'x', pass: false, actual: 'none in 152 log lines' }, { id: 'y', pass: true, actual: 'ok' }]), true, 'what a failing check saw may change');
  t = 3500;
  assert.equal(s.observe([{ id: 'x', pass: true, actual: 'found' }, { id: 'y', pass: true, actual: 'ok' }]), false, 'a check turned: restart');
  t = 6000;
  assert.equal(s.observe([{ id: 'x', pass: true, actual: 'found' }, { id: 'y', pass: false, actual: 'gone' }]), false);
  t = 9000;
  assert.equal(s.observe([{ id: 'x', pass: true, actual: 'found' }, { id: 'y', pass: false, actual: 'gone' }]), true);
});
