/**
 * "Did not boot": the boot step of a scenario never became ready (neither READY nor a refusal by
 * BOOT_TIMEOUT). That is one verdict for the scenario, ERROR, with the last lines of pv-appengine's
 * own output and of pantavisor.log quoted, not a FAIL of every check (none of them could speak of
 * IPAM when Pantavisor never got that far). Pure: the shell that fetches both tails, and the line.
 */
import { shellQuote } from '../tooling/shell-quote.ts';

export interface DidNotBoot {
  /** how long the boot was waited for */
  waitedMs: number;
  /** what the readiness conditions last saw */
  lastSeen: string;
  /** the last lines of pv-appengine's output (or why there are none) */
  appengineOut: string[];
  /** the last lines of pantavisor.log (or why there are none) */
  pantavisorLog: string[];
}

export const TAIL_LINES = 8;
const MARK = '--- pv-ipam-tests: pantavisor.log ---';

/** One shell command printing both tails, separated by a mark; an absent file says so. */
export function tailsScript(appengineOut: string, logFile: string, n = TAIL_LINES): string {
  const one = (f: string) => `if [ -s ${shellQuote(f)} ]; then tail -n ${n} ${shellQuote(f)}; else echo ${shellQuote(`(no ${f}, or it is empty)`)}; fi`;
  return `${one(appengineOut)}; echo ${shellQuote(MARK)}; ${one(logFile)}`;
}

/** The two tails from tailsScript's output. */
export function parseTails(output: string): { appengineOut: string[]; pantavisorLog: string[] } {
  const [a, b = ''] = output.split(`${MARK}\n`);
  const lines = (t: string) => t.split('\n').map((l) => l.replace(/\s+$/, '')).filter(Boolean);
  return { appengineOut: lines(a), pantavisorLog: lines(b) };
}

/** The scenario's one ERROR line. */
export function didNotBootLine(d: DidNotBoot): string {
  const last = (xs: string[]) => xs.at(-1) ?? '(nothing)';
  return `did not boot: not ready after ${(d.waitedMs / 1000).toFixed(0)} s (last seen: ${d.lastSeen}); pv-appengine.out ends: ${last(d.appengineOut)}; pantavisor.log ends: ${last(d.pantavisorLog)}`;
}

/** The lines quoted under the verdict. */
export function didNotBootQuote(d: DidNotBoot): string[] {
  return [
    `  last lines of pv-appengine.out:`,
    ...d.appengineOut.map((l) => `    | ${l}`),
    `  last lines of pantavisor.log:`,
    ...d.pantavisorLog.map((l) => `    | ${l}`),
  ];
}
