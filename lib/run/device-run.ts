/**
 * A scenario on a target that is already running (lifecycle 'running': a device over SSH; issue
 * 25): nothing is created or removed, the scenario's revision is installed as an update.
 *   1. the device's baseline: its running revision, containers, states and IPs (lib/device/state.ts)
 *   2. the scenario's exports (derived ones derived) checked on the host as stage does
 *   3. pvtx begin current; pvtx show; pvtx remove <each container, device.json>; pvtx add - < EXPORT
 *      (streamed over the driver's stdin); pvtx commit locals/pv-ipam-tests-<id>-<time>;
 *      pvcontrol cmd run <it>    (lib/device/update-plan.ts; each echoed as a person types it)
 *   4. the wait through the reboot a device.json change causes: the connection drops and comes
 *      back; polled with a deadline (BOOT_TIMEOUT), the last state seen shown, until the revision's
 *      progress is final and it runs (or, ERROR, the device is back on its baseline: rolled back)
 *   5. the scenario's steps and checks (lib/run/verify.ts verifyLive), with LOG_FILE and DEVICE_JSON
 *      pointed at the revision's own log and trail (`<storage>/logs/<rev>/pantavisor/pantavisor.log`)
 *   6. always: back to the baseline (`pvcontrol cmd run <baseline>` unless it already runs it),
 *      waited for, and verified: revision, containers RUNNING on their IPs. Not back is an ERROR
 *      of the run (exit 3), as is any fault above (wrong key, refused, a reboot mid-gather, a
 *      device that never comes back, an update it rejects): one line each.
 */
import type { Config } from '../tooling/config.ts';
import { EnvironmentError, Interrupted } from '../tooling/errors.ts';
import type { PlanFile, Scenario } from '../plan/scenarios.ts';
import type { ScenarioReport } from '../report/model.ts';
import { deviceFormOf, deviceRevisionName, formLine, onDevice } from '../device/form.ts';
import { describeState, type DeviceState, installOutcome, notBackOn, parseState, stateScript } from '../device/state.ts';
import { ABORT, beginCommands, deviceJsonOf, installCommands, partsToRemove, readState, returnCommand, sameDeviceJson } from '../device/update-plan.ts';
import { commandLine, hostLine, type UpdateCommand } from './update-step.ts';
import { revisionLogPath, storageOf } from '../bundle/bundle.ts';
import { newMark } from '../bundle/gather.ts';
import { pollUntil } from './poll.ts';
import { progressLine } from './progress.ts';
import { lintSet } from '../artifacts/lint.ts';
import { userLinesOf } from '../target/registry.ts';
import type { ExecResult } from '../target/driver.ts';
import { clearProgress, colors, progress, say, terminalColumns, terminalSafe, uptime } from './output.ts';
import { execInTarget, timed } from './exec.ts';
import { type Action, type Booted, preflightTools, probeCommands, readVersion } from './boot.ts';
import { artifactPath, exportFile, printLint } from './stage.ts';
import { derive } from './derive.ts';
import { type OpenedExport, openExport } from './pvrexport-files.ts';
import { verifyLive } from './verify.ts';
import { readFileSync } from 'node:fs';
import { shellQuote as q } from '../tooling/shell-quote.ts';

/** The configuration of a device run on revision `rev`: the log and device.json the scenario's checks read are that revision's. */
export function onRevisionConfig(cfg: Config, rev: string): Config {
  const storage = storageOf(cfg);
  return { ...cfg, logFile: revisionLogPath(cfg, rev), deviceJsonFile: `${storage}/trails/${rev}/device.json` };
}

/** The device's state (one command); `reachable: false` when the driver says it cannot be reached (a reboot under way). */
export type Reached = DeviceState & { unreachable?: string };

export async function readDevice(cfg: Config, progressOf?: string, failedRev?: string): Promise<Reached> {
  const mark = newMark();
  try {
    const r = await execInTarget(cfg, stateScript(storageOf(cfg), cfg.cmdTimeoutSecs, mark, progressOf, failedRev), cfg.cmdTimeoutSecs * 5 + 30);
    return parseState(r.stdout, mark, progressOf, failedRev);
  } catch (e) {
    if (!(e instanceof EnvironmentError)) throw e;
    return { containers: [], problems: [`unreachable: ${e.message}`], unreachable: e.message };
  }
}

/** One command of the install, echoed as a person types it; its output and status kept as an action. */
async function runCommand(cfg: Config, c: UpdateCommand, actions: Action[], step: string): Promise<ExecResult> {
  say(colors.dim(`+ ${terminalSafe(hostLine(userLinesOf(cfg), c))}`));
  const stdin = c.stdinFrom === undefined ? undefined : readFileSync(c.stdinFrom);
  const r = await execInTarget(cfg, timed(cfg, commandLine(c)), cfg.cmdTimeoutSecs + 30, false, stdin);
  actions.push({ step, command: hostLine(userLinesOf(cfg), c), exitCode: r.exitCode, output: c.argv[1] === 'show' ? '(the state JSON)' : [r.stderr, r.stdout].filter((x) => x.trim()).join('\n') });
  return r;
}

/** The update was not taken: one line, exit 3. */
function rejected(c: UpdateCommand, r: ExecResult): EnvironmentError {
  const last = [r.stderr, r.stdout].join('\n').trim().split('\n').filter((l) => l.trim()).pop() ?? '';
  return new EnvironmentError(`the device rejected the update: \`${commandLine(c)}\` exited ${r.exitCode}${last ? `: ${last}` : ''}`);
}

/** The scenario's exports as host files, derived ones derived, each checked as pvtx would and the set linted (as stage does, without pvtx.d). */
export async function scenarioExports(cfg: Config, plan: PlanFile, scenario: Scenario): Promise<{ files: string[]; deviceJson: string }> {
  const derived = plan.derivedArtifacts ?? {};
  const opened: OpenedExport[] = [];
  const files: string[] = [];
  for (const a of scenario.artifacts) {
    const spec = derived[a];
    if (spec) {
      await openExport(artifactPath(cfg, spec.from), spec.from);
      await derive(cfg, a, spec, artifactPath(cfg, spec.from));
    }
    const file = exportFile(cfg, plan, a);
    opened.push(await openExport(file, a));
    files.push(file);
  }
  printLint(lintSet(opened));
  return { files, deviceJson: deviceJsonOf(opened.map((o) => o.state)) };
}

/**
 * A pvtx transaction on the device: `body` runs its commands with `run`, which echoes each, keeps
 * it as an action of `step` and throws the one-line rejection of a command that fails. A
 * transaction begun (`pvtx begin`) and not committed (`pvtx commit`) is aborted, whatever happened.
 */
export async function transaction(cfg: Config, actions: Action[], step: string, body: (run: (c: UpdateCommand) => Promise<ExecResult>) => Promise<void>): Promise<void> {
  let open = false;
  try {
    await body(async (c) => {
      const r = await runCommand(cfg, c, actions, step);
      if (r.exitCode !== 0) throw rejected(c, r);
      if (c.argv[0] === 'pvtx' && c.argv[1] === 'begin') open = true;
      if (c.argv[0] === 'pvtx' && c.argv[1] === 'commit') open = false;
      return r;
    });
  } finally {
    if (open) await runCommand(cfg, ABORT, actions, step).catch(() => undefined);
  }
}

/** Installs the scenario's revision (step 3). */
function install(cfg: Config, files: string[], rev: string, actions: Action[]): Promise<void> {
  const [begin, show] = beginCommands();
  return transaction(cfg, actions, 'install', async (run) => {
    await run(begin);
    const st = readState((await run(show)).stdout);
    if (!st.state) throw new EnvironmentError(`the device's running revision could not be read: ${st.problem}`);
    for (const c of installCommands(partsToRemove(st.state), files, rev)) await run(c);
  });
}

/** Polls the device until `done` holds (deadline BOOT_TIMEOUT; a device that cannot be reached is a state, not an error, while a reboot is under way). */
export async function waitDevice(cfg: Config, what: string, read: () => Promise<Reached>, done: (s: Reached) => boolean, signal?: AbortSignal) {
  const w = await pollUntil(read, done, {
    timeoutMs: cfg.bootTimeoutMs,
    intervalMs: cfg.pollIntervalMs,
    signal,
    onWait: (v, ms) => progress(progressLine(what, ms, cfg.bootTimeoutMs, terminalSafe(describeState(v)), terminalColumns())),
  });
  clearProgress();
  if (signal?.aborted) throw new Interrupted();
  return w;
}

/**
 * Step 6: the device back on `baseline`, verified; a device not back is an EnvironmentError (exit 3).
 * `pvcontrol cmd run <baseline>` is sent once the device answers on another revision, and again
 * on a later poll while it is not taken (pantavisor not answering during a reboot: `ERROR: got no
 * response`, or the device rebooting into its rollback point first).
 */
export async function returnToBaseline(cfg: Config, baseline: DeviceState, signal?: AbortSignal): Promise<string> {
  const c = returnCommand(baseline.revision!);
  let sent = false;
  const read = async (): Promise<Reached> => {
    const s = await readDevice(cfg);
    if (sent || s.unreachable !== undefined || s.revision === undefined || s.revision === baseline.revision) return s;
    say(colors.dim(`+ ${terminalSafe(hostLine(userLinesOf(cfg), c))}`));
    try {
      const r = await execInTarget(cfg, timed(cfg, commandLine(c)), cfg.cmdTimeoutSecs + 30);
      sent = r.exitCode === 0;
      if (!sent) say(colors.yellow(terminalSafe(`  ${rejected(c, r).message}; sent again on the next poll`)));
    } catch (e) {
      if (!(e instanceof EnvironmentError)) throw e;
      say(colors.yellow(terminalSafe(`  ${e.message}; sent again on the next poll`)));
    }
    return s;
  };
  const w = await waitDevice(cfg, `back to baseline ${baseline.revision}`, read, (s) => s.unreachable === undefined && notBackOn(baseline, s).length === 0, signal);
  const secs = (w.elapsedMs / 1000).toFixed(1);
  if (!w.ok) {
    const why = w.value.unreachable ? `unreachable (${w.value.unreachable})` : notBackOn(baseline, w.value).join('; ');
    throw new EnvironmentError(`the device is not back on its baseline after ${secs} s: ${why}; last seen: ${describeState(w.value)}`);
  }
  return `back on baseline ${baseline.revision} after ${secs} s (${describeState(w.value)})`;
}

/**
 * What runs on the installed revision (step 5): make test-N judges it (verifyLive, the bundle in
 * runDir), make capture-N writes its bundle unjudged. `dcfg` reads the revision's own log and
 * device.json, `judged` is the scenario as a device runs it.
 */
export type OnRevision = (dcfg: Config, judged: Scenario, booted: Booted) => Promise<ScenarioReport>;

/**
 * The line a run on a device ends with when a scenario's revision became DONE: Pantavisor
 * committed it (pv_bootloader_pre_commit_update sets pv_rev to it), and `pvcontrol cmd run
 * <baseline>` of a revision already DONE runs it without committing it again (update.c
 * pv_update_resume: "revision already in status DONE"). The device runs its baseline; a reboot
 * boots the rollback point. README "Run the plan on a board" says how to make the baseline last.
 */
export function rollbackPointLine(rev: string, baseline: string): string {
  return `the device runs its baseline ${baseline}, but its rollback point (the revision a reboot boots) is now ${rev}: Pantavisor commits a revision when it becomes DONE, and a return to a revision already DONE does not commit it again (README: Run the plan on a board)`;
}

/** Told when an installed revision became DONE: Pantavisor committed it, the device's rollback point (a reboot boots it) instead of `baseline`. */
export type OnRollbackPoint = (rev: string, baseline: string) => void;

export interface DeviceRunOptions {
  /** the device's baseline, read once by a run of several scenarios (default: read now, the device on it) */
  baseline?: DeviceState;
  /**
   * a scenario that ends well leaves the device on the revision it ran (or rolled back to): the
   * run's next scenario installs from there, and the run returns the device at its end (make
   * test-all; lib/run/device-tests.ts). A failure or an interrupt returns it at once.
   */
  stay?: boolean;
  /** told when the scenario ended well and left the device on its revision (`stay`) */
  onStay?: () => void;
  onRollbackPoint?: OnRollbackPoint;
}

/** make test-N on a running device: steps 1-6, the scenario judged live (its bundle in runDir). */
export function runOnDevice(cfg: Config, plan: PlanFile, scenario: Scenario, runDir: string, signal?: AbortSignal, opts: DeviceRunOptions = {}): Promise<ScenarioReport> {
  return onDeviceRevision(cfg, plan, scenario, (dcfg, judged, booted) => verifyLive(dcfg, plan, judged, runDir, signal, booted), signal, opts);
}

/** The device's state as a baseline: readable, or an EnvironmentError (exit 3). */
export async function readBaseline(cfg: Config): Promise<DeviceState & { revision: string }> {
  const baseline = await readDevice(cfg);
  if (baseline.unreachable) throw new EnvironmentError(baseline.unreachable);
  if (baseline.revision === undefined || baseline.problems.length) throw new EnvironmentError(`the device's baseline could not be read: ${baseline.problems.join('; ')}`);
  return baseline as DeviceState & { revision: string };
}

/** The device.json text of revision `rev` on the device (`none` when it has none); an unreadable one is '' (treated as the same: sameDeviceJson). */
async function deviceJsonOn(cfg: Config, rev: string): Promise<string> {
  const f = q(`${storageOf(cfg)}/trails/${rev}/device.json`);
  const r = await execInTarget(cfg, `if [ -e ${f} ]; then timeout -k 2 ${cfg.cmdTimeoutSecs} cat ${f}; else echo none; fi`, cfg.cmdTimeoutSecs + 30);
  return r.exitCode === 0 ? r.stdout : '';
}

/** One scenario on a running device, steps 1-6 with `body` as step 5; a fault is an EnvironmentError (the caller's one line, exit 3). */
export async function onDeviceRevision(cfg: Config, plan: PlanFile, scenario: Scenario, body: OnRevision, signal?: AbortSignal, opts: DeviceRunOptions = {}): Promise<ScenarioReport> {
  const started = Date.now();
  const form = deviceFormOf(scenario);
  if ('skip' in form) {
    say(colors.yellow(terminalSafe(`  ${formLine(form)}`)));
    return { id: scenario.id, title: scenario.title, status: 'skipped', skip: { capability: 'device', reason: form.skip, evidence: [] }, durationMs: 0, timings: {}, waits: [], checks: [] };
  }
  const baseline = opts.baseline ?? await readBaseline(cfg);
  if (baseline.revision === undefined) throw new EnvironmentError(`the device's baseline has no revision`);
  say(colors.dim(terminalSafe(`  baseline: ${describeState(baseline)}`)));
  const rev = deviceRevisionName(scenario.id, new Date());
  const note = formLine(form);
  if (note) say(colors.yellow(terminalSafe(`  ${note}`)));
  const dcfg = onRevisionConfig(cfg, rev);
  const judged = onDevice(scenario, rev);
  const actions: Action[] = [];
  const device = { revision: rev, baseline: baseline.revision, form: form.form };
  let report: ScenarioReport | undefined;
  let failure: unknown;
  let rollbackPoint = false;
  let endedOn: string = baseline.revision; // the revision the device runs after the install (or its rollback)
  try {
    const { files, deviceJson } = await scenarioExports(cfg, plan, scenario);
    if (opts.baseline) {
      // a run's earlier scenario left the device on its revision: installing this one from there
      // is a reboot only when device.json changes; else the device goes back to its baseline first
      const now = await readDevice(cfg);
      if (now.unreachable) throw new EnvironmentError(now.unreachable);
      if (now.revision !== baseline.revision) {
        const same = now.revision === undefined || sameDeviceJson(await deviceJsonOn(cfg, now.revision), deviceJson);
        if (same) {
          say(
            colors.dim(
              terminalSafe(`  the device runs ${now.revision ?? 'an unreadable revision'}, whose device.json is this test's (an install from it would not reboot): back to the baseline first`),
            ),
          );
          say(colors.dim(terminalSafe(`  ${await returnToBaseline(cfg, baseline, signal)}`)));
        } else {
          say(colors.dim(terminalSafe(`  installed from ${now.revision}, where the run's earlier test left the device: its device.json differs, so the install reboots as from the baseline`)));
        }
      }
    }
    const version = await readVersion(cfg);
    const probes = await probeCommands(cfg, plan, scenario);
    if (Object.values(probes).some((p) => !p.present)) {
      // a capability the device lacks: nothing installed, the verdict says which
      report = await body(dcfg, judged, { probes, actions, started: false, version, device });
    } else {
      await preflightTools(dcfg, judged);
      const t0 = uptime();
      await install(cfg, files, rev, actions);
      const w = await waitDevice(cfg, `${rev} installed`, () => readDevice(cfg, rev, rev), (s) => installOutcome(rev, s).done, signal);
      const secs = (w.elapsedMs / 1000).toFixed(1);
      if (!w.ok) throw new EnvironmentError(`the device did not come back on ${rev} within ${secs} s; last seen: ${describeState(w.value)}`);
      const o = installOutcome(rev, w.value);
      endedOn = w.value.revision ?? rev;
      // DONE (not UPDATED, a non-reboot update): pantavisor committed it as the rollback point
      rollbackPoint = o.done && o.ran && w.value.progress?.status === 'DONE';
      if (rollbackPoint) opts.onRollbackPoint?.(rev, baseline.revision);
      say(colors.dim(terminalSafe(`  ${rev}: ${o.done && o.rolledBack ? `refused, rolled back to ${w.value.revision}` : 'running'} after ${secs} s (${describeState(w.value)})`)));
      report = await body(dcfg, judged, { probes, actions, started: true, version, appengineStart: t0, device });
      report.timings['install'] = w.elapsedMs;
    }
  } catch (e) {
    failure = e;
  }
  // step 6 always runs (a scenario of a run that ended well may leave it to the run's end); an
  // interrupt still returns the device (its own deadline)
  let notBack: EnvironmentError | undefined;
  if (opts.stay && failure === undefined && !signal?.aborted) {
    say(
      colors.dim(
        terminalSafe(`  left on ${endedOn}${endedOn === rev ? '' : ` (where the refused ${rev} rolled back to)`} for the run's next test; the run returns the device to its baseline at its end`),
      ),
    );
    opts.onStay?.();
  } else {
    try {
      say(colors.dim(terminalSafe(`  ${await returnToBaseline(cfg, baseline)}`)));
    } catch (e) {
      if (!(e instanceof EnvironmentError)) throw e;
      notBack = e;
    }
  }
  if (failure !== undefined) {
    // one line: what went wrong, and that the device is not back either
    if (notBack && failure instanceof EnvironmentError) throw new EnvironmentError(`${failure.message}; then ${notBack.message}`);
    throw failure;
  }
  if (notBack) throw notBack;
  const r = report!;
  r.device = { ...device, ...(note ? { note } : {}), ...(rollbackPoint ? { rollbackPoint: true } : {}) };
  r.durationMs = Date.now() - started;
  return r;
}
