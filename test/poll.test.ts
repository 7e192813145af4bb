import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '../lib/run/poll.ts';

/** A fake clock: delay() advances it instead of waiting; probes may cost time too. */
function fakeClock(start = 1_000_000) {
  let t = start;
  const delays: number[] = [];
  return {
    now: () => t,
    delay: async (ms: number) => {
      delays.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    delays,
  };
}

test('resolves immediately when the first probe holds', async () => {
  const c = fakeClock();
  let probes = 0;
  const r = await pollUntil(async () => ++probes, (v) => v === 1, { timeoutMs: 1000, intervalMs: 100, now: c.now, delay: c.delay });
  assert.deepEqual(r, { ok: true, value: 1, attempts: 1, elapsedMs: 0 });
  assert.deepEqual(c.delays, []);
});

test('retries until it holds', async () => {
  const c = fakeClock();
  let probes = 0;
  const r = await pollUntil(async () => ++probes, (v) => v >= 4, { timeoutMs: 10_000, intervalMs: 300, now: c.now, delay: c.delay });
  assert.equal(r.ok, true);
  assert.equal(r.value, 4);
  assert.equal(r.attempts, 4);
  assert.equal(r.elapsedMs, 900);
  assert.deepEqual(c.delays, [300, 300, 300]);
});

test('gives up at the deadline with the last value, attempts and elapsed', async () => {
  const c = fakeClock();
  let probes = 0;
  const r = await pollUntil(async () => `seen ${++probes}`, () => false, { timeoutMs: 1000, intervalMs: 300, now: c.now, delay: c.delay });
  assert.equal(r.ok, false);
  // probes at 0, 300, 600, 900; another wait would pass 1000
  assert.equal(r.attempts, 4);
  assert.equal(r.value, 'seen 4');
  assert.equal(r.elapsedMs, 900);
  assert.deepEqual(c.delays, [300, 300, 300]);
});

test('a probe that takes time counts toward the deadline, and toward the interval', async () => {
  const c = fakeClock();
  let probes = 0;
  const r = await pollUntil(
    async () => {
      c.advance(400);
      return ++probes;
    },
    () => false,
    { timeoutMs: 1000, intervalMs: 100, now: c.now, delay: c.delay },
  );
  assert.equal(r.ok, false);
  // a 400 ms probe is longer than the 100 ms interval: the next starts at once (no delay);
  // elapsed after probes: 400, 800, 1200 → 1200 > 1000: stop
  assert.equal(r.attempts, 3);
  assert.equal(r.elapsedMs, 1200);
  assert.equal(r.value, 3);
  assert.deepEqual(c.delays, []);
  // a 100 ms probe with a 300 ms interval waits only the remaining 200 ms
  const d = fakeClock();
  let n = 0;
  await pollUntil(
    async () => {
      d.advance(100);
      return ++n;
    },
    (v) => v >= 3,
    { timeoutMs: 10_000, intervalMs: 300, now: d.now, delay: d.delay },
  );
  assert.deepEqual(d.delays, [200, 200]);
});

test('the last probe still counts when it holds past the deadline', async () => {
  const c = fakeClock();
  const r = await pollUntil(
    async () => {
      c.advance(5000);
      return 'ready';
    },
    (v) => v === 'ready',
    { timeoutMs: 1000, intervalMs: 100, now: c.now, delay: c.delay },
  );
  assert.deepEqual(r, { ok: true, value: 'ready', attempts: 1, elapsedMs: 5000 });
});

test('timeout shorter than the interval: a single probe', async () => {
  const c = fakeClock();
  const r = await pollUntil(async () => 0, () => false, { timeoutMs: 50, intervalMs: 100, now: c.now, delay: c.delay });
  assert.equal(r.ok, false);
  assert.equal(r.attempts, 1);
  assert.deepEqual(c.delays, []);
});

test('an already aborted signal stops after one probe', async () => {
  const c = fakeClock();
  const ac = new AbortController();
  ac.abort();
  const r = await pollUntil(async () => 'x', () => false, { timeoutMs: 10_000, intervalMs: 100, now: c.now, delay: c.delay, signal: ac.signal });
  assert.equal(r.ok, false);
  assert.equal(r.attempts, 1);
  assert.equal(r.value, 'x');
  assert.deepEqual(c.delays, []);
});

test('aborting while polling stops at the next probe', async () => {
  const c = fakeClock();
  const ac = new AbortController();
  let probes = 0;
  const r = await pollUntil(
    async () => {
      probes++;
      if (probes === 3) ac.abort();
      return probes;
    },
    () => false,
    { timeoutMs: 60_000, intervalMs: 100, now: c.now, delay: c.delay, signal: ac.signal },
  );
  assert.equal(r.ok, false);
  assert.equal(r.attempts, 3);
  assert.equal(r.value, 3);
  assert.equal(r.elapsedMs, 200);
});

test('a value that holds wins over an abort', async () => {
  const c = fakeClock();
  const ac = new AbortController();
  ac.abort();
  const r = await pollUntil(async () => 'ok', (v) => v === 'ok', { timeoutMs: 1000, intervalMs: 100, now: c.now, delay: c.delay, signal: ac.signal });
  assert.equal(r.ok, true);
});

test('a probe that rejects rejects the poll', async () => {
  const c = fakeClock();
  await assert.rejects(
    pollUntil(
      async () => {
        throw new Error('docker exec failed');
      },
      () => true,
      { timeoutMs: 1000, intervalMs: 100, now: c.now, delay: c.delay },
    ),
    /docker exec failed/,
  );
});

test('without injected clock/delay it uses real time (tiny interval)', async () => {
  let probes = 0;
  const r = await pollUntil(async () => ++probes, (v) => v >= 2, { timeoutMs: 5000, intervalMs: 1 });
  assert.equal(r.ok, true);
  assert.equal(r.attempts, 2);
  assert.ok(r.elapsedMs >= 0);
});
