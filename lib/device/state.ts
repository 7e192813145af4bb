/**
 * What a device runs, read in one command over the target driver: the running revision
 * (`readlink <storage>/logs/current`), its containers (`lxc-ls -f`: state and IPv4 addresses) and,
 * when asked, one revision's update progress (`pvcontrol steps show-progress REV`). The device's
 * baseline is this, read before a scenario is installed; the run is back when it reads the same
 * revision with every container that was RUNNING RUNNING again on the addresses it had.
 * Pure: the script and the parsing of its output.
 */
import { revisionOfLink } from '../bundle/bundle.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';
import { type LxcRow, readLxcLs } from '../parse/lxc-ls.ts';
import { parseProgress, type UpdateProgress } from '../parse/pv-progress.ts';

export interface DeviceState {
  /** the revision logs/current names (undefined: unreadable, `problems` says why) */
  revision?: string;
  containers: LxcRow[];
  /** the asked revision's progress, when it answered */
  progress?: UpdateProgress;
  /** what could not be read (pvcontrol not answering while pantavisor restarts, ...) */
  problems: string[];
  /**
   * asked with `failedRev`: the running revision's log says the rollback from it is over (its
   * last `setting failed revision <failedRev> ...` line is followed by the running revision's READY)
   */
  rolledBackReady?: boolean;
}

const SECTIONS = ['current', 'lxc', 'progress', 'rollback'] as const;

/** The line pantavisor logs, in the revision it rolls back to, for a revision it refused (observed §11.2). */
export function failedLine(rev: string): string {
  return `setting failed revision ${rev} not to be started after next reboot`;
}

/** The one shell line that reads the state; `mark` separates its sections. */
export function stateScript(storage: string, timeoutSecs: number, mark: string, progressOf?: string, failedRev?: string): string {
  const t = `timeout -k 2 ${timeoutSecs}`;
  return [
    `echo ${q(`${mark} current`)}; ${t} readlink ${q(`${storage}/logs/current`)}`,
    `echo ${q(`${mark} lxc`)}; ${t} lxc-ls -f`,
    ...(progressOf ? [`echo ${q(`${mark} progress`)}; ${t} pvcontrol steps show-progress ${q(progressOf)}`] : []),
    ...(failedRev
      ? [`echo ${q(`${mark} rollback`)}; ${t} grep -F -e ${q(failedLine(failedRev))} -e 'status is now READY' ${q(`${storage}/logs/current/pantavisor/pantavisor.log`)} | ${t} tail -n 20`]
      : []),
    'true',
  ].join('; ');
}

/** The sections of the script's output by name. */
function sections(stdout: string, mark: string): Record<string, string> {
  const out: Record<string, string> = {};
  let name: string | undefined;
  for (const line of stdout.split('\n')) {
    const m = line.startsWith(`${mark} `) ? line.slice(mark.length + 1) : undefined;
    if (m !== undefined && (SECTIONS as readonly string[]).includes(m)) {
      name = m;
      out[name] = '';
    } else if (name !== undefined) out[name] += `${line}\n`;
  }
  return out;
}

export function parseState(stdout: string, mark: string, progressOf?: string, failedRev?: string): DeviceState {
  const s = sections(stdout, mark);
  const problems: string[] = [];
  const revision = s.current === undefined ? undefined : revisionOfLink(s.current);
  if (revision === undefined) problems.push(`logs/current unreadable (${JSON.stringify((s.current ?? 'no output').trim().slice(0, 80))})`);
  const lxc = readLxcLs(s.lxc ?? '');
  if (s.lxc === undefined) problems.push('lxc-ls -f gave no output section');
  else if (lxc.problem) problems.push(`lxc-ls -f unreadable: ${lxc.problem}`);
  let progress: UpdateProgress | undefined;
  if (progressOf) {
    const p = parseProgress((s.progress ?? '').trim());
    if ('progress' in p) progress = p.progress;
    else problems.push(`pvcontrol steps show-progress ${progressOf}: ${(s.progress ?? '').trim().split('\n').pop() || p.problem}`);
  }
  let rolledBackReady: boolean | undefined;
  if (failedRev) {
    const lines = (s.rollback ?? '').split('\n');
    const at = lines.map((l) => l.includes(failedLine(failedRev))).lastIndexOf(true);
    rolledBackReady = at >= 0 && revision !== undefined && lines.slice(at + 1).some((l) => l.includes(`state revision '${revision}' status is now READY`));
  }
  return { revision, containers: lxc.rows, ...(progress ? { progress } : {}), problems, ...(rolledBackReady !== undefined ? { rolledBackReady } : {}) };
}

/** One line: `revision 0; pv-example-net-server RUNNING 10.0.3.1`, the progress and problems too. */
export function describeState(s: DeviceState): string {
  const cs = s.containers.map((c) => `${c.name} ${c.state}${c.ipv4.length ? ` ${c.ipv4.join(',')}` : ''}`).join(', ') || 'no containers';
  const p = s.progress ? `; progress ${s.progress.status}${s.progress.statusMsg ? ` "${s.progress.statusMsg}"` : ''}` : '';
  return `revision ${s.revision ?? '?'}; ${cs}${p}${s.problems.length ? `; ${s.problems.join('; ')}` : ''}`;
}

/**
 * Why `now` is not the device back on `baseline` ([] when it is): another revision, or a
 * container that was RUNNING not RUNNING or without an address it had. Addresses it has beyond
 * those are not a difference: in the appengine a reboot keeps the network namespace, so a
 * container on the host network also sees the bridges a scenario's pool left (observed §11.3);
 * on a board the reboot clears them.
 */
export function notBackOn(baseline: DeviceState, now: DeviceState): string[] {
  const why: string[] = [];
  if (now.revision !== baseline.revision) why.push(`running revision ${now.revision ?? '?'}, not the baseline's ${baseline.revision}`);
  for (const c of baseline.containers.filter((x) => x.state === 'RUNNING')) {
    const n = now.containers.find((x) => x.name === c.name);
    if (!n) why.push(`${c.name} not listed`);
    else if (n.state !== 'RUNNING') why.push(`${c.name} ${n.state}`);
    else {
      const lost = c.ipv4.filter((ip) => !n.ipv4.includes(ip));
      if (lost.length) why.push(`${c.name} without ${lost.join(', ')} (has ${n.ipv4.join(', ') || 'none'})`);
    }
  }
  return why;
}

/** The installed revision's wait is over: `done` (its outcome is final), or still waiting, and what was last seen. */
export type InstallOutcome = { done: true; ran: boolean; rolledBack: boolean } | { done: false };

/**
 * Whether the wait after `pvcontrol cmd run REV` is over: the progress is final and the device
 * runs REV (DONE, UPDATED), or, refused (ERROR, WONTGO), runs another revision and that
 * revision's log says it is READY after `setting failed revision REV ...`: pantavisor rolls back
 * to its rollback point (the boot's pv_rev), the last revision that became DONE. That is the
 * baseline only when no update became DONE since: `pvcontrol cmd run <baseline>` does not make it
 * the rollback point again, so a refusal after an earlier scenario's DONE revision returns to
 * that one (observed on 303584a7: `cmdline: 'pv_rev=locals/<earlier> pv_try=locals/<refused>'`).
 * Step 6 then returns the device to its baseline.
 */
export function installOutcome(rev: string, now: DeviceState): InstallOutcome {
  const st = now.progress?.status;
  if (st === 'DONE' || st === 'UPDATED') return now.revision === rev ? { done: true, ran: true, rolledBack: false } : { done: false };
  if (st === 'ERROR' || st === 'WONTGO') return now.revision !== undefined && now.revision !== rev && now.rolledBackReady === true ? { done: true, ran: false, rolledBack: true } : { done: false };
  return { done: false };
}
