import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stability } from '../lib/run/settle.ts';
import { allSettled } from '../lib/judge/evaluate.ts';

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

test('allSettled: every check passes, or what fails has failed for good (final)', () => {
  assert.equal(allSettled([{ pass: true }, { pass: true }]), true);
  assert.equal(allSettled([{ pass: true }, { pass: false, final: true }]), true);
  assert.equal(allSettled([{ pass: false, final: true }, { pass: false }]), false, 'one failure may still turn');
  assert.equal(allSettled([{ pass: false }]), false);
});

test('Stability: new verdicts count from the start of the round that saw them; it takes two rounds', () => {
  let t = 1500;
  const s = new Stability(3000, () => t);
  const v = [{ id: 'x', pass: false }];
  assert.equal(s.observe(v, 0), false, 'one round is never stable, however long it took');
  t = 2900;
  assert.equal(s.observe(v, 1500), false);
  t = 3000;
  assert.equal(s.observe(v, 1600), true, 'seen the same from 0 to 3000');
  t = 4000;
  assert.equal(s.observe([{ id: 'x', pass: true }], 3000), false);
  t = 5900;
  assert.equal(s.observe([{ id: 'x', pass: true }], 4000), false);
  t = 6000;
  assert.equal(s.observe([{ id: 'x', pass: true }], 5900), true);
});
