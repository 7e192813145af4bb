/**
 * test-N / test-all: stage, up, verify (live), down — for one test or every test in order.
 * Teardown always runs (finally, and on SIGINT/SIGTERM); KEEP=1 leaves the last container up.
 * JOBS=N runs N scenarios at once, each with its own names (pva-test-<id>, storage-test-<id>,
 * pvtx.d-<id>), their output printed whole as each ends; reports stay one per run.
 * Exit: 0 all passed, 1 a check failed, 2 bad usage/scenarios file, 3 environment missing,
 * 130/143 interrupted.
 */
import { type Config, jobsOf as jobsOfText } from '../tooling/config.ts';
import { EnvironmentError, EXIT, Interrupted, UsageError } from '../tooling/errors.ts';
import { findScenario, type PlanFile, type Scenario, selectScenarios } from '../plan/scenarios.ts';
import { type ScenarioReport, scenarioReport } from '../report/model.ts';
import { colors, runBuffered, say, terminalSafe, uptime } from './output.ts';
import { stamp } from './cli.ts';
import { bootHooks } from './exec.ts';
import { down } from './down.ts';
import { finishRun, printHeader, printScenarioEnd, runReport } from './reporting.ts';
import { bootScenario } from './boot.ts';
import { type CheckedExports, preflightArtifacts } from './stage.ts';
import { onInterrupt } from './interrupt.ts';
import { acquireRunLock } from './run-lock.ts';
import { verifyLive } from './verify.ts';
import { runDeviceTests } from './device-tests.ts';
import { targetDriver } from '../target/registry.ts';

/** JOBS=N (default 1): how many scenarios run at once. */
export function jobsOf(env: Record<string, string | undefined>, keep: boolean): number {
  const n = jobsOfText(env.JOBS);
  if (n > 1 && keep) throw new UsageError('KEEP=1 keeps the last container of a run; use it with JOBS=1');
  return n;
}

/**
 * The names one scenario uses: the plan's with JOBS=1, suffixed with its id when several run at
 * once; then worker `w` also gets a band of loop devices of its own (PV_LOOP_INDEX_BASE 512 +
 * 64 w: pantavisor's loop index range is 64; real appengines started at once raced for a loop
 * device without it, `error mounting root.squashfs ... Device or resource busy`).
 */
export function namesFor(cfg: Config, scenario: Scenario, jobs: number, worker = 0): Config {
  if (jobs === 1) return cfg;
  return {
    ...cfg,
    container: `${cfg.container}-${scenario.id}`,
    volume: `${cfg.volume}-${scenario.id}`,
    pvtxd: `${cfg.pvtxd.replace(/\/+$/, '')}-${scenario.id}`,
    loopIndexBase: 512 + 64 * worker,
  };
}

interface Outcome {
  report: ScenarioReport;
  errorCode?: number;
}

/** One scenario end to end; its teardown is registered in `active` while it runs. */
export async function runOne(
  cfg: Config,
  plan: PlanFile,
  scenario: Scenario,
  runDir: string,
  signal: AbortSignal,
  active: Map<string, () => Promise<void>>,
  keep: boolean,
  checked?: CheckedExports,
): Promise<Outcome> {
  const started = Date.now();
  const t0 = uptime();
  printHeader(scenario, cfg.targetLabel, 'live');
  const runId = `${stamp()}-test-${scenario.id}`;
  let tearingDown: Promise<void> | undefined;
  const teardown = () => (tearingDown ??= down(cfg).catch((e) => say(colors.red(`teardown failed: ${terminalSafe((e as Error).message)}`))));
  let release: (() => void) | undefined;
  let outcome: Outcome;
  try {
    release = acquireRunLock(cfg, runId);
    active.set(scenario.id, teardown);
    const booted = await bootScenario(cfg, plan, scenario, runId, signal, checked);
    const report = await verifyLive(cfg, plan, scenario, runDir, signal, booted);
    report.timings['total'] = Date.now() - started;
    report.clock = { ...report.clock, scenarioStart: t0 };
    // a step's action that failed (lib/run/run-steps.ts) makes the scenario an ERROR: exit 3
    outcome = { report, ...(report.status === 'error' ? { errorCode: EXIT.environment } : {}) };
  } catch (e) {
    if (e instanceof Interrupted || signal.aborted) throw new Interrupted();
    if (!(e instanceof EnvironmentError || e instanceof UsageError)) throw e;
    say(colors.red(`error: ${terminalSafe(e.message)}`));
    outcome = { report: scenarioReport(scenario, undefined, { error: e.message, durationMs: Date.now() - started, timings: {}, waits: [], checks: [] }), errorCode: e.exitCode };
  } finally {
    // only a run that holds the names tears down: another run's container is not ours to touch
    if (release) {
      if (keep) say(colors.yellow(`KEEP=1: ${cfg.container} left running (make shell, make logs, make capture-${scenario.id}, make down)`));
      else await teardown();
      active.delete(scenario.id);
      release();
    }
  }
  printScenarioEnd(outcome.report);
  return outcome;
}

/** Runs the scenarios live (one after another, or JOBS=N at once) and writes the run's reports; returns the exit status. */
export async function runTests(cfg: Config, plan: PlanFile, scenarios: Scenario[], label: string): Promise<number> {
  // a device that is already running: each scenario installed as an update (issue 25)
  if (targetDriver(cfg).lifecycle === 'running') return runDeviceTests(cfg, plan, scenarios, label);
  const jobs = Math.min(jobsOf(process.env, cfg.keep), scenarios.length);
  const { driver } = bootHooks(cfg, `test-${label.replace(/^test-/, '')}`);
  const checked = await preflightArtifacts(cfg, plan, scenarios);
  await driver.requireReachable();

  const active = new Map<string, () => Promise<void>>();
  const interrupt = onInterrupt(async () => {
    await Promise.all([...active.values()].map((t) => t()));
  });

  const startedAt = new Date();
  const runDir = `${cfg.reportDir}/${stamp()}-${label}`;
  const outcomes = new Map<string, Outcome>();
  if (jobs > 1) say(colors.dim(`JOBS=${jobs}: ${scenarios.length} scenarios, ${jobs} at a time, each with its own container (${cfg.container}-<id>), volume and pvtx.d; output printed as each ends`));
  let next = 0;
  let interrupted = false;
  const worker = async (_: unknown, w: number) => {
    while (!interrupted && next < scenarios.length) {
      const scenario = scenarios[next++];
      const keep = cfg.keep && next === scenarios.length;
      const own = namesFor(cfg, scenario, jobs, w);
      const go = () => runOne(own, plan, scenario, runDir, interrupt.signal, active, keep, checked);
      const r: { value?: Outcome; error?: unknown; lines: string[] } = jobs > 1 ? await runBuffered(go) : await go().then((value) => ({ value, lines: [] }), (error) => ({ error, lines: [] }));
      for (const l of r.lines) say(l);
      if (r.error !== undefined) {
        if (r.error instanceof Interrupted) {
          interrupted = true;
          return;
        }
        throw r.error;
      }
      outcomes.set(scenario.id, r.value!);
      if (interrupt.signal.aborted) {
        interrupted = true;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  if (interrupted || interrupt.signal.aborted) {
    await Promise.all([...active.values()].map((t) => t()));
    return interrupt.code() || 130;
  }
  const ordered = scenarios.map((s) => outcomes.get(s.id)!).filter(Boolean);
  const report = runReport(cfg, 'live', startedAt, ordered.map((o) => o.report), ordered.flatMap((o) => (o.errorCode ? [o.errorCode] : [])));
  if (jobs > 1) report.jobs = jobs;
  return finishRun(runDir, report);
}

/** make test-N / test-all (`which` is a test id or all; ONLY= narrows all): returns the exit status. */
export function testCommand(cfg: Config, plan: PlanFile, which: string): Promise<number> {
  const scenarios: Scenario[] = which === 'all' ? selectScenarios(plan, process.env.ONLY) : [findScenario(plan, which)];
  return runTests(cfg, plan, scenarios, `test-${which}`);
}
