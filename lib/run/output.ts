/**
 * What a run prints: say() (stdout, or a scenario's buffer under JOBS=N), the one updating
 * progress line, colours, and the `+` lines that echo a command the way a user would type it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { createColors } from 'picocolors';
import { $ } from 'zx';
import { shellQuote } from '../shell-quote.ts';
import { terminalSafe } from '../report/terminal.ts';

/** Colours only when stdout is a terminal (and NO_COLOR is unset), whatever CI says. */
export const colors = createColors(!!process.stdout.isTTY && !('NO_COLOR' in process.env));

// Output piped into `head` and closed early is not an error (Deno throws EPIPE otherwise).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/**
 * Where say() writes: stdout, or, inside runBuffered() (scenarios run in parallel with JOBS=N),
 * that scenario's buffer, printed in one piece when it ends so that runs never interleave.
 */
const output = new AsyncLocalStorage<string[]>();

export function say(line = ''): void {
  const buffer = output.getStore();
  if (buffer) buffer.push(line);
  else {
    clearProgress();
    process.stdout.write(line + '\n');
  }
}

let progressShown = false;

/**
 * Shows (or replaces) the one updating progress line: only on a terminal, never inside a
 * buffered (JOBS=N) run, and not with PROGRESS=0. A pipe or a CI log never sees it.
 */
export function progress(text: string): void {
  if (!process.stdout.isTTY || output.getStore() || process.env.PROGRESS === '0') return; // PROGRESS checked by config()
  process.stdout.write(`\r\x1b[K${colors.dim(text)}`);
  progressShown = true;
}

export function clearProgress(): void {
  if (!progressShown) return;
  process.stdout.write('\r\x1b[K');
  progressShown = false;
}

export function terminalColumns(): number {
  return process.stdout.columns || 100;
}

/** Runs fn with say() collecting into a buffer; returns fn's value and the lines. */
export async function runBuffered<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; lines: string[] }> {
  const lines: string[] = [];
  try {
    return { value: await output.run(lines, fn), lines };
  } catch (error) {
    return { error, lines };
  }
}

/** Host uptime in seconds (the clock pantavisor.log's timestamps use inside a container). */
export function uptime(): number {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return performance.now() / 1000;
  }
}

/** Prints a command the way a user would type it, so it can be copied. */
export function echoCommand(args: string[]): void {
  say(colors.dim('+ ' + terminalSafe(args.map(shellQuote).join(' '))));
}

/** Prints a shell command line exactly as it is run (`sh -c`), redirections and all. */
export function echoShell(line: string): void {
  say(colors.dim('+ ' + terminalSafe(line)));
}

/** A path as a user in the current directory would type it (relative when inside it). */
export function typed(path: string): string {
  const r = relative(process.cwd(), path);
  // a relative name with a leading dash would read as an option: ./-name
  return r && !r.startsWith('..') ? (r.startsWith('-') ? `./${r}` : r) : path;
}

export { shellQuote, terminalSafe };

// zx quotes what it interpolates into its command lines with the same function
$.quote = shellQuote;
