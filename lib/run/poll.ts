/**
 * Deadline poller: probe, test, and probe again an interval after the last probe started,
 * until the test holds or the deadline passes. The caller gets the last value seen either way, so a timeout can
 * say what the state was instead of just "timed out".
 */
export interface PollOptions<T = unknown> {
  timeoutMs: number;
  intervalMs: number;
  /** injectable clock and delay, for tests */
  now?: () => number;
  delay?: (ms: number) => Promise<void>;
  /** stop early (e.g. on SIGINT) */
  signal?: AbortSignal;
  /** called after every probe that does not hold yet (progress lines) */
  onWait?: (value: T, elapsedMs: number) => void;
}

export interface PollResult<T> {
  ok: boolean;
  value: T;
  attempts: number;
  elapsedMs: number;
}

const realDelay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function pollUntil<T>(
  probe: () => Promise<T>,
  holds: (value: T) => boolean,
  opts: PollOptions<T>,
): Promise<PollResult<T>> {
  const now = opts.now ?? Date.now;
  const delay = opts.delay ?? realDelay;
  const start = now();
  let attempts = 0;
  for (;;) {
    const probeStart = now();
    const value = await probe();
    attempts++;
    const elapsedMs = now() - start;
    if (holds(value)) return { ok: true, value, attempts, elapsedMs };
    // the interval runs from one probe's start to the next's: a slow probe (a docker exec)
    // does not stretch the time between looks
    const wait = Math.max(0, opts.intervalMs - (now() - probeStart));
    if (elapsedMs + wait > opts.timeoutMs || opts.signal?.aborted) {
      return { ok: false, value, attempts, elapsedMs };
    }
    opts.onWait?.(value, elapsedMs);
    if (wait > 0) await delay(wait);
  }
}
