/**
 * An update step (scenarios.json `update`): the commands a user types to install and run a new
 * revision on a running device, one `docker exec` each (the pvtx transaction survives between
 * calls), in the order pantavisor needs them:
 *   docker exec pva-test pvtx begin current
 *   docker exec -i pva-test pvtx add - < HOST/FILE.pvrexport.tgz     (one per export added)
 *   docker exec pva-test pvtx remove PART                            (one per part removed)
 *   docker exec pva-test pvtx commit locals/NAME
 *   docker exec pva-test pvcontrol cmd run locals/NAME
 * Then the step waits for `pvcontrol steps show-progress locals/NAME` (lib/plan/scenarios.ts updateFinished).
 */
import type { Update } from '../plan/scenarios.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';
import type { UserLines } from '../target/driver.ts';

export interface UpdateCommand {
  /** the command inside the container, as words */
  argv: string[];
  /** a host file given as the command's stdin (`pvtx add -`) */
  stdinFrom?: string;
}

/** The commands of an update, with `exportFile(name)` the host file of each export added. */
export function updateCommands(u: Update, exportFile: (name: string) => string): UpdateCommand[] {
  return [
    { argv: ['pvtx', 'begin', 'current'] },
    ...u.add.map((name) => ({ argv: ['pvtx', 'add', '-'], stdinFrom: exportFile(name) })),
    ...(u.remove ?? []).map((part) => ({ argv: ['pvtx', 'remove', part] })),
    { argv: ['pvtx', 'commit', u.revision] },
    { argv: ['pvcontrol', 'cmd', 'run', u.revision] },
  ];
}

/** The command inside the container, as one quoted line (for `sh -c`). */
export function commandLine(c: UpdateCommand): string {
  return c.argv.map(q).join(' ');
}

/** The line a user types on the host, the target driver's (docker: `docker exec [-i] CONTAINER CMD [< FILE]`). */
export function hostLine(target: UserLines, c: UpdateCommand): string {
  return target.userLine(commandLine(c), { stdinFrom: c.stdinFrom });
}

/** The programs an update step runs in the container (tool preflight). */
export const UPDATE_PROGRAMS = ['pvtx', 'pvcontrol'];
