/**
 * Runs a scenario's steps against the live appengine container. For each step:
 *   run its command (if any), poll until its waitFor conditions hold (deadline, last state
 *   seen is reported), then gather the full state (with pings) and, when verifying, keep
 *   re-gathering until every check holds, the verdicts stop changing for SETTLE_STABLE, or
 *   SETTLE_TIMEOUT passes.
 * Each round of gathering is one `docker exec`. The final round of each step is what the
 * bundle keeps, so re-verifying the bundle offline gives the same verdict.
 */
import type { Config } from '../config.ts';
import { FILES, stateFromFiles, type StepState } from '../bundle.ts';
import { LiveLog, type LogSnapshot } from './live-log.ts';
import { allPass, allSettled, type CheckResult, evaluateChecks, evaluateStep, unjudgedChecks } from '../evaluate.ts';
import { filesFor, gatherCommands, gatherScript, newMark, optionalFilesFor, parseGatherOutput } from '../gather.ts';
import { logCapabilities, logProbe } from '../capabilities.ts';
import type { CapabilityProbe } from '../capabilities.ts';
import { pollUntil } from '../poll.ts';
import { Stability } from '../settle.ts';
import { type Ping, type PlanFile, resolveStep, type Scenario, type Step } from '../scenarios.ts';
import type { ScenarioReport } from '../report/model.ts';
import { Interrupted } from '../errors.ts';
import { clearProgress, colors, progress, say, terminalColumns, terminalSafe, uptime } from './output.ts';
import { lastSeen as seenSoFar, progressLine } from '../progress.ts';
import { execInTarget, type ExecResult, timed } from './exec.ts';
import { readFileSync } from 'node:fs';
import { actionOutcome } from '../step-outcome.ts';
import { commandLine, hostLine, type UpdateCommand, updateCommands } from '../update-step.ts';
import { userLinesOf } from '../target/registry.ts';
import { exportFile } from './stage.ts';
import { actionFailed } from '../verdict.ts';
import { type DidNotBoot, didNotBootLine, parseTails, tailsScript } from '../did-not-boot.ts';

/** polls in a row on which a wait's evidence could not be read before the wait gives up */
const UNREADABLE_POLLS = 3;

export interface LiveRun {
  /** capability probes (command ones from the boot, log ones judged here) */
  probes: Record<string, CapabilityProbe>;
  /** set when a log-probed capability is absent: the steps after the boot were not run */
  skipped?: string;
  /** host uptime (s) at each step's trigger (`step:<id>`), the start of its last poll that was not ready (`unready:<id>`), readiness (`ready:<id>`) and final round (`done:<id>`) */
  clock: Record<string, number>;
  /** exit status of each command of each step's final round, by bundle file */
  rc: Record<string, Record<string, number>>;
  /** bytes of pantavisor.log each step judged (undefined: the log did not exist) */
  logBytes: Record<string, number | undefined>;
  /** writes the first N bytes of pantavisor.log to a file (for the bundle) */
  saveLog?: (path: string, bytes: number) => Promise<void>;
  steps: Step[];
  states: Record<string, StepState>;
  files: Record<string, Record<string, string>>;
  results: CheckResult[];
  waits: ScenarioReport['waits'];
  actions: { step: string; command: string; exitCode: number; output: string }[];
  /** set when a step's action failed (lib/step-outcome.ts): the run is an ERROR, that step's checks and the later ones are unjudged */
  error?: string;
  /** set when the boot step never became ready: the run is one ERROR, no check is judged (lib/did-not-boot.ts) */
  didNotBoot?: DidNotBoot;
}

/** One command of an update step, echoed as a user types it; `pvtx add -` reads the export from the host. */
async function execUpdateCommand(cfg: Config, c: UpdateCommand): Promise<ExecResult> {
  say(colors.dim(`+ ${hostLine(userLinesOf(cfg), c)}`));
  const script = `${timed(cfg, commandLine(c))}`;
  if (c.stdinFrom === undefined) return execInTarget(cfg, script, cfg.cmdTimeoutSecs + 30);
  return execInTarget(cfg, script, cfg.cmdTimeoutSecs + 30, false, readFileSync(c.stdinFrom));
}

export function scenarioVars(cfg: Config, externalHost?: string): Record<string, string> {
  return { EXTERNAL_HOST: externalHost ?? cfg.externalHost };
}

export async function runSteps(cfg: Config, plan: PlanFile, scenario: Scenario, opts: { evaluate: boolean; signal?: AbortSignal; probes?: Record<string, CapabilityProbe> }): Promise<LiveRun> {
  const steps = scenario.steps.map((s) => resolveStep(s, scenarioVars(cfg)));
  const paths = { deviceJsonFile: cfg.deviceJsonFile, logFile: cfg.logFile, appengineOut: cfg.appengineOut, pingWaitSecs: cfg.pingWaitSecs };
  // the files of the waits too: an update step's first wait reads its progress (lib/scenarios.ts updateFinished)
  const extras = { optional: optionalFilesFor(steps.flatMap((s) => [...s.waitFor, ...s.checks])), overrides: scenario.gather };
  // pantavisor.log is read on its own, incrementally (lib/run/live-log.ts); a round gathers the
  // other files in one exec beside it, and a poll that needs only the log skips that exec
  const liveLog = new LiveLog(cfg);
  const others = (only?: Set<string>) => (only ? new Set([...only].filter((f) => f !== FILES.log)) : undefined);
  const gather = async (pings: Ping[], only?: Set<string>): Promise<{ files: Record<string, string>; st: StepState }> => {
    const rest = others(only);
    const needRest = !rest || rest.size > 0 || pings.length > 0;
    if (cfg.verbose) {
      // VERBOSE=1: each command of the round as a user would type it (the round runs them in one exec)
      say(colors.dim(`+ ${userLinesOf(cfg).userLine(liveLog.command())}`));
      for (const [file, cmd] of gatherCommands(paths, pings, extras)) {
        if (file !== FILES.log && needRest && (!rest || rest.has(file) || file.startsWith('ping-'))) say(colors.dim(`+ ${userLinesOf(cfg).userLine(cmd)}`));
      }
    }
    const mark = newMark();
    const [r, snap] = await Promise.all([
      needRest ? execInTarget(cfg, gatherScript(paths, cfg.cmdTimeoutSecs, pings, mark, rest, { ...extras, exclude: [FILES.log] }), cfg.cmdTimeoutSecs * 2 + 30) : undefined,
      liveLog.refresh(),
    ]);
    const g = r ? parseGatherOutput(r.stdout, mark) : { files: {}, rc: {} };
    lastRc = g.rc;
    lastLog = snap;
    return { files: g.files, st: stateFromFiles(g.files, { log: snap.log, present: snap.present }) };
  };
  let lastRc: Record<string, number> = {};
  let lastLog: LogSnapshot | undefined;
  const run: LiveRun = { probes: { ...opts.probes }, steps, states: {}, files: {}, results: [], waits: [], actions: [], clock: {}, rc: {}, logBytes: {} };
  const logCaps = logCapabilities(plan, scenario);

  for (const [i, step] of steps.entries()) {
    if (opts.signal?.aborted) throw new Interrupted();
    run.clock[`step:${step.id}`] = uptime();
    const actions = step.update
      ? updateCommands(step.update, (name) => exportFile(cfg, plan, name)).map((c) => ({
        c,
        shown: hostLine(userLinesOf(cfg), c),
        as: { ...step, run: hostLine(userLinesOf(cfg), c), allowStatus: undefined },
      }))
      : step.run
      ? [{ c: undefined, shown: step.run, as: step }]
      : [];
    for (const { c, shown, as } of actions) {
      const r = c === undefined ? await execInTarget(cfg, `${timed(cfg, shown)} 2>&1`, cfg.cmdTimeoutSecs + 30, true) : await execUpdateCommand(cfg, c);
      // stderr holds what the shell itself said (`sh: pgrep: not found` from a $(...))
      const output = [r.stderr, r.stdout].filter((t) => t.trim()).join('\n');
      run.actions.push({ step: step.id, command: shown, exitCode: r.exitCode, output });
      const outcome = actionOutcome(as, r.exitCode, output);
      if (!outcome.ok) {
        // the action did not happen as the scenario needs: nothing after it speaks of Pantavisor
        run.error = outcome.line;
        const why = actionFailed(step.id);
        run.results.push(...unjudgedChecks(steps.slice(i), scenario.id, why));
        run.saveLog = (path, bytes) => liveLog.saveTo(path, bytes);
        return run;
      }
      if (r.exitCode !== 0) say(colors.dim(terminalSafe(`  ${shown} exited ${r.exitCode}, which step ${step.id} allows: ${step.allowStatusWhy ?? ''}`)));
    }
    // an update may reboot into the new revision, or roll back: as long as a boot
    const waitDeadline = i === 0 || step.update ? cfg.bootTimeoutMs : cfg.stepTimeoutMs;
    // the boot's polls read only what its conditions need (the log); a later step's polls gather
    // the whole bundle (its wait is short), so the round that sees it ready can be the one judged
    const whole = i > 0 && !step.pings?.length;
    let unreadableRounds = 0;
    const w = await pollUntil(
      async () => {
        const startedAt = uptime();
        const { files, st } = await gather([], whole ? undefined : filesFor(step.waitFor));
        const res = evaluateChecks(step.waitFor, scenario.id, { ...run.states, [step.id]: st }, step.id);
        // make bench: the state was reached after the last round that did not see it began
        if (!allPass(res)) run.clock[`unready:${step.id}`] = startedAt;
        return { files, st, res };
      },
      // evidence the parsers cannot read on three polls in a row will not become readable by
      // waiting (a tool that prints another format, or is missing): stop, the round judges it ERROR
      (v) => allPass(v.res) || (unreadableRounds = v.res.some((r) => r.error) ? unreadableRounds + 1 : 0) >= UNREADABLE_POLLS,
      {
        timeoutMs: waitDeadline,
        intervalMs: cfg.pollIntervalMs,
        signal: opts.signal,
        onWait: (v, ms) => progress(progressLine(step.id, ms, waitDeadline, seenSoFar(v.res.filter((r) => !r.pass), v.st), terminalColumns())),
      },
    );
    clearProgress();
    if (opts.signal?.aborted) throw new Interrupted();
    const unmet = w.value.res.filter((r) => !r.pass);
    const lastSeen = seenSoFar(unmet, w.value.st);
    run.clock[`ready:${step.id}`] = uptime();
    run.waits.push({ step: step.id, ok: w.ok, elapsedMs: w.elapsedMs, attempts: w.attempts, lastSeen: w.ok ? undefined : lastSeen });
    const waited = `${(w.elapsedMs / 1000).toFixed(1)} s, ${w.attempts} polls`;
    if (w.ok) say(colors.dim(`  ${step.id}: ready (${step.waitFor.map((c) => c.id).join(', ')}) after ${waited}`));
    else say(colors.yellow(terminalSafe(`  ${step.id}: not ready after ${waited}; last seen: ${lastSeen}`)));
    if (i === 0 && !w.ok && opts.evaluate) {
      // the target never became ready: one verdict (ERROR "did not boot"), the tails quoted, no check judged
      const t = await execInTarget(cfg, tailsScript(cfg.appengineOut, cfg.logFile), cfg.cmdTimeoutSecs + 30);
      run.didNotBoot = { waitedMs: w.elapsedMs, lastSeen, ...parseTails(t.stdout) };
      run.error = didNotBootLine(run.didNotBoot);
      run.states[step.id] = w.value.st;
      run.files[step.id] = w.value.files;
      run.rc[step.id] = lastRc;
      run.logBytes[step.id] = lastLog?.present ? lastLog.judgedBytes : undefined;
      run.saveLog = (path, bytes) => liveLog.saveTo(path, bytes);
      return run;
    }

    let final: { files: Record<string, string>; st: StepState; res: CheckResult[] };
    const round = async () => {
      const startedAt = Date.now();
      const { files, st } = await gather(step.pings ?? []);
      const res = opts.evaluate ? evaluateStep(scenario, step, { ...run.states, [step.id]: st }, plan) : [];
      return { files, st, res, startedAt };
    };
    if (i === 0 && logCaps.length) {
      // a capability seen in the boot log (e.g. the isolation line): without it, keep one round
      // as evidence and stop, the scenario is skipped
      const first = await round();
      for (const id of logCaps) {
        run.probes[id] = logProbe(plan.capabilities![id], first.st);
        say(colors.dim(terminalSafe(`  capability ${id}: ${run.probes[id].present ? 'present' : 'absent'} (${run.probes[id].probe}: ${run.probes[id].seen})`)));
      }
      const absent = logCaps.find((id) => !run.probes[id].present);
      if (absent) {
        run.states[step.id] = first.st;
        run.files[step.id] = first.files;
        run.results.push(...first.res);
        run.skipped = absent;
        run.rc[step.id] = lastRc;
        run.logBytes[step.id] = lastLog?.present ? lastLog.judgedBytes : undefined;
        run.saveLog = (path, bytes) => liveLog.saveTo(path, bytes);
        return run;
      }
    }
    const judgedAtOnce = whole && w.ok && opts.evaluate ? evaluateStep(scenario, step, { ...run.states, [step.id]: w.value.st }, plan) : undefined;
    if (judgedAtOnce && allSettled(judgedAtOnce)) {
      // all pass, or what fails has failed for good (a log line that is there stays): no re-check
      final = { files: w.value.files, st: w.value.st, res: judgedAtOnce };
    } else if (opts.evaluate && !w.ok) {
      // not ready by the deadline: judge what is there once (re-checking would only repeat it)
      final = await round();
    } else if (opts.evaluate) {
      const stability = new Stability(cfg.settleStableMs);
      // the verdicts of the round that saw the step ready are the window's first observation
      if (judgedAtOnce) stability.observe(judgedAtOnce);
      const s = await pollUntil(round, (v) => allSettled(v.res) || stability.observe(v.res, v.startedAt), {
        timeoutMs: cfg.settleTimeoutMs,
        intervalMs: cfg.pollIntervalMs,
        signal: opts.signal,
        onWait: (v, ms) =>
          progress(
            progressLine(`${step.id}: re-checking before a FAIL`, ms, cfg.settleTimeoutMs, seenSoFar(v.res.filter((r) => !r.pass).map((r) => ({ id: r.id, actual: r.actual }))), terminalColumns()),
          ),
      });
      clearProgress();
      final = s.value;
    } else {
      final = await round();
    }
    if (opts.signal?.aborted) throw new Interrupted();
    run.clock[`done:${step.id}`] = uptime();
    run.rc[step.id] = lastRc;
    run.logBytes[step.id] = lastLog?.present ? lastLog.judgedBytes : undefined;
    run.states[step.id] = final.st;
    run.files[step.id] = final.files;
    run.results.push(...final.res);
  }
  run.saveLog = (path, bytes) => liveLog.saveTo(path, bytes);
  return run;
}
