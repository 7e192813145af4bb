/**
 * verify-N: evaluate Test N's checks.
 *   live (default): against the running appengine container, running the scenario's steps;
 *   offline: SNAPSHOT=DIR re-checks a capture bundle, with exactly the same checks.
 * Exit: 0 every check passed, 1 a check failed, 2 bad usage or scenarios file, 3 environment.
 */
import { type BundleMeta, stateFromFiles, type StepState } from '../bundle/bundle.ts';
import { evaluateScenario } from '../judge/evaluate.ts';
import { type Check, findScenario, type PlanFile, resolveStep, type Scenario, type Step } from '../plan/scenarios.ts';
import { onDevice } from '../device/form.ts';
import { evidenceCommand } from '../checks/index.ts';
import { userLinesOf } from '../target/registry.ts';
import { filesOfCheck } from '../bundle/gather.ts';
import { explainMissing } from '../evidence/exit-status.ts';
import type { CheckResult } from '../judge/evaluate.ts';
import { type ScenarioReport, scenarioReport } from '../report/model.ts';
import type { Config } from '../tooling/config.ts';
import { lstatSync } from 'node:fs';
import { EXIT, UsageError } from '../tooling/errors.ts';
import { colors, say, uptime } from './output.ts';
import { stamp } from './cli.ts';
import { requireRunning } from './exec.ts';
import { readBundle, writeLiveBundle } from './bundle-files.ts';
import { finishRun, printChecks, printHeader, printScenarioEnd, runReport } from './reporting.ts';
import { type LiveRun, runSteps, scenarioVars } from './run-steps.ts';
import { logCapabilities, logProbe } from '../plan/capabilities.ts';
import { judge } from '../judge/verdict.ts';
import type { CapabilityProbe } from '../plan/capabilities.ts';
import { type Booted, probeCommands } from './boot.ts';
import { didNotBootQuote } from '../judge/did-not-boot.ts';
import { versionLine } from '../judge/pv-version.ts';
import { scenarioForVersion } from '../judge/version-gate.ts';

/** Adds to each FAIL/XFAIL result what to look at: a command (live) or the bundle's files (offline). */
function withEvidence(results: CheckResult[], steps: Step[], see: (check: Check, step: string) => string | undefined): CheckResult[] {
  return results.map((r) => {
    if (r.pass) return r;
    const check = steps.find((s) => s.id === r.step)?.checks.find((c) => c.id === r.id);
    const evidence = check ? see(check, r.step) : undefined;
    return evidence ? { ...r, evidence } : r;
  });
}

/** Whether a run directory holds this bundle directory (a link there is refused: never walked through). */
function runBundleDir(path: string): boolean {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return false;
  }
  if (st.isSymbolicLink()) throw new UsageError(`${path} is a symbolic link: verify-all reads the bundle directories of a run, never through a link`);
  return st.isDirectory();
}

export function liveEvidence(cfg: Config, scenario: Scenario) {
  return (check: Check) =>
    evidenceCommand(check, {
      container: cfg.container,
      logFile: cfg.logFile,
      deviceJsonFile: cfg.deviceJsonFile,
      gather: scenario.gather,
      pingWaitSecs: cfg.pingWaitSecs,
      target: userLinesOf(cfg),
    });
}

export function verifyBundle(cfg: Config, plan: PlanFile, written: Scenario, dir: string): { report: ScenarioReport; meta?: Partial<BundleMeta> } {
  const started = Date.now();
  const { files, logs, meta } = readBundle(dir, written);
  // a bundle of a running device is judged as it was live: on the revision it installed
  const scenario = meta?.device ? onDevice(written, meta.device.revision) : written;
  const steps = scenario.steps.map((s) => resolveStep(s, scenarioVars(cfg, meta?.externalHost)));
  const states: Record<string, StepState> = {};
  for (const [step, f] of Object.entries(files)) states[step] = stateFromFiles(f, logs[step]);
  // command probes as recorded live; log probes judged again on the bundle's own boot log
  const probes: Record<string, CapabilityProbe> = { ...meta.capabilities };
  // a command probe cannot be run again offline: a bundle that did not record one it needs is
  // refused, never SKIPPED for want of it
  const unrecorded = (scenario.requires ?? []).filter((id) => !logCapabilities(plan, scenario).includes(id) && !probes[id]);
  if (unrecorded.length) throw new UsageError(`${dir}/meta.json records no probe of ${unrecorded.join(', ')}, which Test ${scenario.id} requires; the bundle cannot be judged offline`);
  const boot = states[steps[0].id];
  if (boot) { for (const id of logCapabilities(plan, scenario)) probes[id] = logProbe(plan.capabilities![id], boot); }
  const skippedAt = logCapabilities(plan, scenario).some((id) => !probes[id]?.present);
  const checks = evaluateScenario(scenario, skippedAt ? steps.slice(0, 1) : steps, states, plan);
  const versioned = scenarioForVersion(scenario, meta?.pantavisorVersion);
  const j = judge(plan, versioned.scenario, checks, probes, cfg.require);
  const inBundle = (check: Check, step: string) => {
    const d = scenario.steps.length > 1 ? `${dir}/${step}` : dir;
    const files = filesOfCheck(check);
    return files.length ? `in the bundle: ${files.map((f) => `${d}/${f}`).join(', ')}` : undefined;
  };
  const report = scenarioReport(scenario, { judgement: j, versioned, capabilities: probes }, {
    pantavisor: versionLine(meta?.pantavisorVersion),
    durationMs: Date.now() - started,
    bundle: dir,
    timings: {},
    waits: [],
    checks: withEvidence(j.checks, steps, inBundle),
  });
  return { report, meta };
}

/**
 * Live verification of an appengine that is already up (or, when `boot.started` is false, was
 * never started because a capability is absent); writes the bundle it judged into runDir.
 */
export async function verifyLive(cfg: Config, plan: PlanFile, scenario: Scenario, runDir: string, signal?: AbortSignal, boot?: Booted): Promise<ScenarioReport> {
  const started = Date.now();
  const probes = boot?.probes ?? await probeCommands(cfg, plan, scenario);
  const notBooted = boot ? !boot.started : Object.values(probes).some((p) => !p.present);
  const run: LiveRun = notBooted
    ? { probes, steps: [], states: {}, files: {}, results: [], waits: [], actions: [], clock: {}, rc: {}, logBytes: {} }
    : await runSteps(cfg, plan, scenario, { evaluate: true, signal, probes });
  const bundle = `${runDir}/test-${scenario.id}`;
  const results = run.results.map((r) => ({ ...r, actual: explainMissing(r.actual, run.rc[r.step] ?? {}, cfg.cmdTimeoutSecs) }));
  const versioned = scenarioForVersion(scenario, boot?.version);
  for (const n of versioned.notes) say(colors.dim(`  version: ${n}`));
  const j = judge(plan, versioned.scenario, results, run.probes, cfg.require);
  j.checks = withEvidence(j.checks, run.steps, liveEvidence(cfg, scenario));
  printChecks(j.checks, cfg.strict);
  if (run.didNotBoot) { for (const line of didNotBootQuote(run.didNotBoot)) say(line); }
  run.clock.verdict = uptime();
  // the bundle of what was judged, written while the container still runs (its log streams from it)
  await writeLiveBundle(
    bundle,
    scenario,
    run.files,
    { ...bundleMeta(cfg, scenario, run.probes), ...(boot?.version ? { pantavisorVersion: boot.version } : {}), ...(boot?.device ? { device: boot.device } : {}) },
    run.logBytes,
    run.saveLog,
  );
  return scenarioReport(scenario, { judgement: j, versioned, capabilities: run.probes, error: run.error }, {
    ...(run.didNotBoot ? { didNotBoot: run.didNotBoot } : {}),
    ...(boot ? { pantavisor: versionLine(boot.version) } : {}),
    durationMs: Date.now() - started,
    bundle,
    timings: Object.fromEntries(run.waits.map((w) => [`wait.${w.step}`, w.elapsedMs])),
    waits: run.waits,
    actions: [...(boot?.actions ?? []), ...run.actions],
    checks: j.checks,
    clock: {
      ...(boot?.appengineStart !== undefined ? { appengineStart: boot.appengineStart } : {}),
      ...(boot?.dockerStart !== undefined ? { dockerStart: boot.dockerStart, dockerEnd: boot.dockerEnd! } : {}),
      ...run.clock,
    },
  });
}

export function bundleMeta(cfg: Config, scenario: Scenario, capabilities?: Record<string, CapabilityProbe>): BundleMeta {
  return {
    tool: 'pv-ipam-tests',
    scenario: scenario.id,
    target: cfg.target,
    targetLabel: cfg.targetLabel,
    externalHost: cfg.externalHost,
    capturedAt: new Date().toISOString(),
    steps: scenario.steps.map((s) => s.id),
    ...(capabilities && Object.keys(capabilities).length ? { capabilities } : {}),
  };
}

/**
 * make verify-N / verify-all: with SNAPSHOT=DIR the bundle (verify-all: each test-<id>/ bundle
 * of a run directory) re-checked offline; without, the running target's scenario verified live.
 * Returns the exit status.
 */
export async function verifyCommand(cfg: Config, plan: PlanFile, which: string, snapshot: string | undefined): Promise<number> {
  const startedAt = new Date();
  if (snapshot) {
    // verify-all: SNAPSHOT is a run directory holding test-<id>/ bundles (as test-all writes them)
    const picks = which === 'all'
      ? plan.scenarios.filter((sc) => runBundleDir(`${snapshot}/test-${sc.id}`)).map((sc) => ({ scenario: sc, dir: `${snapshot}/test-${sc.id}` }))
      : [{ scenario: findScenario(plan, which), dir: snapshot }];
    if (!picks.length) throw new UsageError(`SNAPSHOT=${snapshot} holds no test-<id> bundle directory`);
    const reports: ScenarioReport[] = [];
    let label = 'unknown (bundle has no meta.json)';
    let target = 'unknown';
    for (const { scenario, dir } of picks) {
      const { report: s, meta } = verifyBundle(cfg, plan, scenario, dir);
      if (meta?.targetLabel) label = `${meta.targetLabel} (captured ${meta.capturedAt ?? '?'})`;
      if (meta?.target) target = meta.target;
      printHeader(scenario, label, `offline: ${dir}`);
      printChecks(s.checks, cfg.strict);
      printScenarioEnd(s);
      reports.push(s);
    }
    const report = runReport({ ...cfg, targetLabel: label, target }, 'snapshot', startedAt, reports, [], snapshot);
    return finishRun(`${cfg.reportDir}/${stamp()}-verify-${which}`, report);
  }
  if (which === 'all') throw new UsageError('verify-all needs SNAPSHOT=DIR (a run directory); live, verify one test: make verify-N');
  const scenario = findScenario(plan, which);
  await requireRunning(cfg, `start it with make stage-${scenario.id} up, or use SNAPSHOT=DIR`);
  printHeader(scenario, cfg.targetLabel, 'live');
  const runDir = `${cfg.reportDir}/${stamp()}-verify-${scenario.id}`;
  const s = await verifyLive(cfg, plan, scenario, runDir);
  printScenarioEnd(s);
  return finishRun(runDir, runReport(cfg, 'live', startedAt, [s], s.status === 'error' ? [EXIT.environment] : []));
}
