import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stability } from '../lib/settle.ts';

test('Stability: the same verdicts for stableMs are stable; any change restarts the clock', () => {
  let t = 0;
  const s = new Stability(3000, () => t);
  const a = [{ id: 'x', pass: false, actual: 'pvbr0 inet none' }];
  const b = [{ id: 'x', pass: false, actual: 'pvbr0 inet 10.0.5.1/24' }];
  assert.equal(s.observe(a), false);
  t = 2999;
  assert.equal(s.observe(a), false);
  t = 3000;
  assert.equal(s.observe(a), true);
  t = 3500;
  assert.equal(s.observe(b), false, 'what was seen changed');
  t = 6000;
  assert.equal(s.observe(b), false);
  t = 6500;
  assert.equal(s.observe(b), true);
  t = 7000;
  assert.equal(s.observe([{ id: 'x', pass: true, actual: 'pvbr0 inet 10.0.5.1/24' }]), false, 'a verdict change restarts');
});
