/**
 * SIGINT/SIGTERM handling for scripts that create containers. A signal aborts the run; the
 * script's own `finally` tears down as soon as the docker call in flight returns (tearing
 * down from the handler could race a `docker run` and leak its container). If the run does
 * not wind down within 30 s, the handler tears down and exits itself.
 * tsx relays a terminal's SIGINT, so it may arrive twice; only the first counts.
 */
import { colors, say } from './output.ts';

export interface Interruption {
  signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM, 0 if not interrupted */
  code(): number;
}

export function onInterrupt(teardown: () => Promise<void>): Interruption {
  const abort = new AbortController();
  let code = 0;
  for (const [sig, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(sig, () => {
      if (abort.signal.aborted) return;
      code = exitCode;
      say(colors.yellow(`\n${sig}: stopping, then tearing down`));
      abort.abort();
      setTimeout(async () => {
        await teardown();
        process.exit(exitCode);
      }, 30_000).unref();
    });
  }
  return { signal: abort.signal, code: () => code };
}
