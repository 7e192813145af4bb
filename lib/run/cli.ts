/**
 * The command-line glue every entry script shares: isMain (which script runs, also in the single
 * file), main() (errors become one line and the documented exit status), the test id argument.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError, UsageError } from '../errors.ts';
import { terminalSafe } from '../report/terminal.ts';
import { EMBEDDED } from './inputs.ts';

/**
 * Whether this script is the one being run: its file is the command's, or, in the single file
 * (where every module shares one import.meta.url), `script` is the one its verb runs
 * (scripts/dist/verb.ts chooses it before any script is evaluated).
 */
export function isMain(metaUrl: string, script?: string): boolean {
  if (EMBEDDED) return script !== undefined && (globalThis as { pvIpamScript?: string }).pvIpamScript === script;
  return !!process.argv[1] && resolve(process.argv[1]) === fileURLToPath(metaUrl);
}

/** Runs a script body; errors become one line and an exit status (2 usage, 3 environment). */
export async function main(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof EnvironmentError) {
      // one line: a file name or a value inside the message is shown escaped (lib/report/terminal.ts)
      process.stderr.write(`pv-ipam-tests: ${terminalSafe(e.message)}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`pv-ipam-tests: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 70;
    }
  }
}

/** The test id argument: a scenario id ("1".."9", "collision", ...) or "all" where allowed. */
export function testArg(args: string[], allowAll = false): string {
  const n = args[0] ?? process.env.N;
  if (!n) throw new UsageError(`which test? give its id${allowAll ? ' or all' : ''} (e.g. make test-1, make test-collision)`);
  if (allowAll && n === 'all') return n;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(n)) throw new UsageError(`'${n}' is not a test id (make help lists them)`);
  return n;
}

export function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d\dZ$/, 'Z');
}
