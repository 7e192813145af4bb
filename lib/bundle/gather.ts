/**
 * One round of state gathering is ONE `docker exec ... sh -c SCRIPT`: this module builds the
 * script (every command under `timeout -k 2 N` inside the container, since killing docker exec
 * on the host does not stop what runs inside) and splits its output back into bundle files.
 */
import { EXTRA_FILES } from './bundle.ts';
import { filesOfCheck, kindOf } from '../checks/index.ts';
import { sourcesGathered } from '../evidence/index.ts';
import { isPingFile, pingCommand, pingFileName } from '../evidence/ping.ts';
import { type CommandPaths, fileOf, paramOf } from '../evidence/source.ts';
import { revisionLogPath, storageOf } from '../evidence/storage.ts';
import type { Check, Ping } from '../plan/scenarios.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';

/** The bundle files one check reads (its kind's `files`, lib/checks/<kind>.ts). */
export { filesOfCheck };

export { pingCommand, revisionLogPath, storageOf };

/** Files the checks need (readiness polls gather only these); undefined (= everything) if a kind is not registered. */
export function filesFor(checks: Check[]): Set<string> | undefined {
  const need = new Set<string>();
  for (const c of checks) {
    if (!kindOf(c.kind)) return undefined;
    filesOfCheck(c).forEach((f) => need.add(f));
  }
  return need;
}

export const MARK = '@@pv-ipam-tests@@';

/** A marker unique to one round, so that captured text can never be mistaken for it. */
export function newMark(random: () => number = Math.random): string {
  return `${MARK}${Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0')}@@`;
}

/** Where the round's commands read (lib/evidence/source.ts CommandPaths), pv-appengine's output file required. */
export interface GatherPaths extends CommandPaths {
  appengineOut: string;
}

/** The commands of the optional files with a fixed name (the `when-read` sources), for the default paths: optionalCommand gives them for a target's. */
export const OPTIONAL_COMMANDS: Record<string, string> = Object.fromEntries(
  sourcesGathered('when-read').filter((s) => typeof s.file === 'string').map((s) => [fileOf(s), s.command({ logFile: '', deviceJsonFile: '' }, '')]),
);

/**
 * The command of an optional file: the `when-read` source (lib/evidence/) the file is of, with
 * the revision its name carries. Undefined for a file that is not optional.
 */
export function optionalCommand(file: string, paths: { storagePath?: string; logFile: string }): string | undefined {
  for (const s of sourcesGathered('when-read')) {
    const param = paramOf(s, file);
    if (param !== undefined) return s.command({ deviceJsonFile: '', ...paths }, param);
  }
  return undefined;
}

/** An optional file: gathered only when a check reads it. */
export function isOptionalFile(file: string): boolean {
  return sourcesGathered('when-read').some((s) => paramOf(s, file) !== undefined);
}

/** The optional files a scenario's checks read (give its waitFor conditions too). */
export function optionalFilesFor(checks: Check[]): string[] {
  return [...new Set(checks.flatMap((c) => filesOfCheck(c).filter(isOptionalFile)))];
}

export interface GatherExtras {
  /** optional files to gather too (the `when-read` sources) */
  optional?: string[];
  /** bundle file -> the command that gathers it instead (scenario `gather`) */
  overrides?: Record<string, string>;
  /** bundle files gathered some other way (pantavisor.log, read incrementally) */
  exclude?: string[];
}

/**
 * The commands a capture runs, by bundle file name (what a user would type by hand), in the
 * registry's order: the `always` sources, the optional files asked for, the `capture` sources,
 * then the step's pings.
 */
export function gatherCommands(paths: GatherPaths, pings: Ping[] = [], extras: GatherExtras = {}): [file: string, command: string][] {
  const fixed = (when: 'always' | 'capture') => sourcesGathered(when).map((s): [string, string] => [fileOf(s), s.command(paths, '')]);
  const optional = [...new Set(extras.optional ?? [])].flatMap((f): [string, string][] => {
    const cmd = optionalCommand(f, paths);
    return cmd === undefined ? [] : [[f, cmd]];
  });
  const ping = pings.map((p): [string, string] => [pingFileName(p.from, p.to), pingCommand(p, paths.pingWaitSecs)]);
  const all = [...fixed('always'), ...optional, ...fixed('capture'), ...ping].filter(([f]) => !extras.exclude?.includes(f));
  return all.map(([f, c]) => [f, extras.overrides?.[f] ?? c]);
}

/**
 * A sh function: does process group $1 still have a process that is not a zombie? Killed members
 * whose parent died first become orphan zombies that only the container's init reaps (maybe
 * never): they run nothing, so they do not count. Without /proc, any member counts (kill -0).
 */
const GROUP_ALIVE = [
  `pv_group_alive() { kill -0 -"$1" 2>/dev/null || return 1; [ -r /proc/self/stat ] || return 0`,
  `for pv_s in /proc/[0-9]*/stat; do { read -r pv_l < "$pv_s"; } 2>/dev/null || continue; set -- "$1" \${pv_l##*') '}`,
  `[ "$4" = "$1" ] && [ "$2" != Z ] && return 0; done; return 1; }`,
].join('; ');

/**
 * Lines that stop the background process group $pvc (its leader, timeout, and everything under
 * it: pvcontrol, pvcurl, nc) and poll, with a deadline, until none of it runs: SIGTERM, up to
 * ~1 s (GNU timeout's own -k 1 of a TERM-deaf child fits in it), then SIGKILL, up to ~1 s more.
 * If the group is not there yet (setsid not run, the file `rcFile` not written), its leader is
 * signalled by pid. A group still there after that is said on stderr.
 */
function stopGroup(rcFile: string): string[] {
  const poll = `n=0; while pv_group_alive "$pvc" && [ $n -lt 20 ]; do sleep 0.05 2>/dev/null; n=$((n + 1)); done`;
  return [
    `kill -TERM -"$pvc" 2>/dev/null || { [ -f ${rcFile} ] || kill -TERM "$pvc" 2>/dev/null; }`,
    poll,
    `if pv_group_alive "$pvc"; then kill -KILL -"$pvc" 2>/dev/null; ${poll}; fi`,
    `pv_group_alive "$pvc" && echo "pv-ipam-tests: process group $pvc of the background pvcontrol still runs after SIGKILL" >&2`,
  ];
}

/**
 * A POSIX sh script printing each command's output between markers. Pings go to temp files
 * printed after `wait`: pings from different containers run in parallel, pings from the SAME
 * container one after another (on a real build pventer's helper keys a temp file `/env-<pid>`
 * by the container's PID, so two pventer calls into one container at once collide).
 */
export function gatherScript(paths: GatherPaths, cmdTimeoutSecs: number, pings: Ping[] = [], mark = MARK, only?: Set<string>, extras: GatherExtras = {}): string {
  const t = `timeout -k 2 ${cmdTimeoutSecs}`;
  // scratch space for the parallel pings: mktemp, else next to pv-appengine's output file
  const scratch = `${paths.appengineOut.replace(/\/[^/]*$/, '') || '/tmp'}/gather`;
  const lines: string[] = [`d=$(mktemp -d 2>/dev/null) || { d=${q(scratch)}.$$; mkdir -p "$d"; }`];
  // an optional file a poll asks for is gathered even when the scenario's list lacks it (a wait's own condition)
  const asked = only ? [...only].filter(isOptionalFile) : [];
  const withAsked = asked.length ? { ...extras, optional: [...(extras.optional ?? []), ...asked] } : extras;
  const cmds = gatherCommands(paths, pings, withAsked).filter(([file]) => !only || only.has(file) || isPingFile(file));
  const sourceOf = new Map(pings.map((p) => [pingFileName(p.from, p.to), p.from]));
  const bySource = new Map<string, string[]>();
  cmds.forEach(([file, cmd], i) => {
    const from = sourceOf.get(file);
    if (from === undefined) return;
    bySource.set(from, [...(bySource.get(from) ?? []), `${t} ${cmd} > "$d/${i}" 2>&1; echo $? > "$d/${i}.rc"`]);
  });
  for (const group of bySource.values()) lines.push(`( ${group.join('; ')} ) &`);
  // pvcontrol's answer is for people, not checks: it runs beside the rest and is kept when it comes
  // by the end of the round (plus a short grace); else it is stopped (exit 143), so that a target
  // too stuck to answer does not hold the round. One tearing down never answers: waiting 2 s for
  // it was most of make bench's overhead on the dev appengine (collision 2.5 s, pool-exhaustion
  // 2.1 s). The stop ends its whole process tree, and the round waits (a poll with a deadline)
  // until nothing of it runs: pvcontrol's pvcurl writes and at its end deletes FIXED files
  // (/tmp/http_req, /tmp/http_res, /tmp/nc_err), so a pvcurl left running by a round deleted
  // /tmp/http_res under the next step's `pvcontrol containers start` (exit 255, `head:
  // /tmp/http_res: No such file or directory`, dev appengine at high load, pantavisor 029 and 303584a7).
  // Pantavisor's control socket serves one request at a time: two pvcontrol calls at once (the
  // background `containers ls` and a `steps show-progress`) got each other's answer, an empty one
  // (exit 1) or a 255 on the dev appengine (pantavisor 303584a7, 13 of 80 overlapping calls). So every other
  // pvcontrol command of the round runs, and prints, before the background one starts.
  const emit = (i: number) => {
    const [file, cmd] = cmds[i];
    lines.push(`echo ${q(`${mark} begin ${file}`)}`);
    if (file === EXTRA_FILES.pvcontrol) {
      // a poll with a deadline, not a wait for state: up to ~0.25 s more for the background answer
      // (a real one takes ~0.1 s and started with the round; a sleep without fractions just ends the loop)
      lines.push(`n=0; while [ ! -f "$d/${i}.rc" ] && [ $n -lt 5 ]; do sleep 0.05 2>/dev/null; n=$((n + 1)); done`);
      lines.push(...stopGroup(`"$d/${i}.rc"`));
      lines.push(`rc=$(cat "$d/${i}.rc" 2>/dev/null); case "$rc" in '' | *[!0-9]*) rc=143 ;; *) cat "$d/${i}" ;; esac`);
    } else if (isPingFile(file)) {
      lines.push(`[ -f "$d/${i}.rc" ] || wait`, `cat "$d/${i}"; rc=$(cat "$d/${i}.rc")`);
    } else {
      lines.push(`${t} ${cmd} 2>/dev/null; rc=$?`);
    }
    lines.push(`printf '\\n${mark} end rc=%s\\n' "$rc"`);
  };
  const part = ([file, cmd]: [string, string]) => (file === EXTRA_FILES.pvcontrol ? 'background' : /^pvcontrol\s/.test(cmd) ? 'pvcontrol' : 'rest');
  const of = (p: string) => [...cmds.keys()].filter((i) => part(cmds[i]) === p);
  of('pvcontrol').forEach(emit);
  for (const i of of('background')) {
    // its own session and process group (setsid does not fork: a background job of a non-interactive
    // shell is no group leader, so $! leads the group), with timeout as the leader: GNU timeout (the
    // Yocto appengine's) moves itself and the command into a group of its own unless it leads one
    // already; busybox timeout (the lab's, the dev appengine's) execs the command, which leads the
    // group, and watches it from a daemon of its own that only signals that pid (as for every command
    // of a round, it ends about 1 s after the pid is gone)
    const inner = `${cmds[i][1]} > "$1" 2>/dev/null; echo $? > "$1.rc"`;
    lines.push(GROUP_ALIVE, `setsid timeout -k 1 ${Math.min(2, cmdTimeoutSecs)} sh -c ${q(inner)} sh "$d/${i}" 2>/dev/null & pvc=$!`);
  }
  of('rest').forEach(emit);
  // the background answer prints last: it has the rest of the round to come
  of('background').forEach(emit);
  lines.push('wait; rm -rf "$d"');
  return lines.join('\n');
}

export interface Gathered {
  files: Record<string, string>;
  /** exit status of each command, by file */
  rc: Record<string, number>;
}

/** Splits gatherScript output into files; a section cut short (exec died) is left out. */
export function parseGatherOutput(out: string, mark = MARK): Gathered {
  const files: Record<string, string> = {};
  const rc: Record<string, number> = {};
  const begin = `${mark} begin `;
  let pos = 0;
  for (;;) {
    const b = out.indexOf(begin, pos);
    if (b < 0) break;
    const nameEnd = out.indexOf('\n', b);
    if (nameEnd < 0) break;
    const file = out.slice(b + begin.length, nameEnd);
    const endMark = `\n${mark} end rc=`;
    const e = out.indexOf(endMark, nameEnd);
    if (e < 0) break;
    const content = e >= nameEnd + 1 ? out.slice(nameEnd + 1, e) : '';
    const rcEnd = out.indexOf('\n', e + endMark.length);
    const rcText = out.slice(e + endMark.length, rcEnd < 0 ? undefined : rcEnd);
    // an rc cut off by a dying exec is not a success: leave the section out
    if (!/^\d+$/.test(rcText)) break;
    const code = Number(rcText);
    rc[file] = code;
    // a command that failed to run (not found, no file) leaves its file out of the bundle
    if (!(content === '' && code !== 0)) files[file] = content;
    pos = rcEnd < 0 ? out.length : rcEnd + 1;
  }
  // the statuses go into the bundle: a command that exited non-zero made no evidence (bundle.ts)
  if (Object.keys(rc).length) files[EXTRA_FILES.exitStatus] = JSON.stringify(rc) + '\n';
  return { files, rc };
}
