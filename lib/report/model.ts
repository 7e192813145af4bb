/**
 * The run report every renderer reads (lib/report/console.ts, json.ts, junit.ts): what ran,
 * what each check found, and the counts of the summary. Pure.
 */
import type { CheckResult } from '../judge/evaluate.ts';
import type { CapabilityProbe } from '../plan/capabilities.ts';
import type { KnownIssue, Scenario } from '../plan/scenarios.ts';
import type { DidNotBoot } from '../judge/did-not-boot.ts';
import { failsRun, type Judgement, type ScenarioStatus } from '../judge/verdict.ts';

export interface ScenarioReport {
  id: string;
  title: string;
  /**
   * passed: every check passed; failed: a check failed; xfail/xpass: a known issue failed or
   * looks fixed (lib/judge/verdict.ts); skipped: the target lacks a capability; error: could not run,
   * or a check could not read its evidence (those checks have status error)
   */
  status: ScenarioStatus;
  error?: string;
  /** the scenario's own known issue, if it has one */
  knownIssue?: KnownIssue;
  /** the Pantavisor version it ran on (lib/judge/pv-version.ts versionLine; "version unknown ..." without the image's version file) */
  pantavisor?: string;
  /** what the version decided about known issues and since-gated expectations, or could not */
  versionNotes?: string[];
  /** the boot never became ready: status error, no check judged, the logs' last lines quoted (lib/judge/did-not-boot.ts) */
  didNotBoot?: DidNotBoot;
  /**
   * on a device that was already running (lifecycle 'running', issue 25): the revision the
   * scenario was installed as, the baseline it was found on and returned to, and its form
   * (lib/device/form.ts; `note` says when it ran as its TESTING/ROLLBACK form)
   */
  device?: {
    revision: string;
    baseline: string;
    form: 'update' | 'testing-rollback';
    note?: string;
    /**
     * the revision became DONE, so Pantavisor committed it (pv_rev): it is the device's rollback
     * point, the revision a reboot boots, until another becomes DONE. Returning to the baseline
     * (`pvcontrol cmd run <baseline>`, already DONE) does not commit the baseline again.
     */
    rollbackPoint?: boolean;
  };
  /** why the scenario was skipped, with the results quoted as evidence */
  skip?: { capability: string; reason: string; evidence: CheckResult[] };
  /** what each capability probe found (also kept in the bundle's meta.json) */
  capabilities?: Record<string, CapabilityProbe>;
  /**
   * host uptime (s) at moments of the run, on the clock pantavisor.log's timestamps use:
   * scenarioStart, appengineStart, each step's trigger (`step:<id>`), ready (`ready:<id>`), verdict
   */
  clock?: Record<string, number>;
  durationMs: number;
  bundle?: string;
  /** time from boot to readiness etc., by name */
  timings: Record<string, number>;
  waits: { step: string; ok: boolean; elapsedMs: number; attempts: number; lastSeen?: string }[];
  /** commands a step ran inside the container (e.g. Test 6's pvcontrol stop/start) */
  actions?: { step: string; command: string; exitCode: number; output: string }[];
  checks: CheckResult[];
}

export interface RunReport {
  tool: 'pv-ipam-tests';
  version: string;
  mode: 'live' | 'snapshot';
  target: { name: string; label: string };
  snapshot?: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** the Pantavisor version(s) the scenarios ran on (their distinct \`pantavisor\` lines) */
  pantavisor?: string;
  /** STRICT=1: XFAIL and XPASS count as failures */
  strict?: boolean;
  /** REQUIRE=...: capabilities whose absence fails instead of skipping */
  require?: string[];
  /** JOBS=N when scenarios ran in parallel */
  jobs?: number;
  /**
   * a run on a running device (issue 25) whose test revision became the device's rollback point:
   * the device `runs` its baseline again and boots `rollbackPoint` at its next reboot; with
   * DEVICE_RESTORE=commit both are the baseline's state committed as a new revision
   * (lib/run/device-restore.ts)
   */
  device?: { baseline: string; rollbackPoint: string; runs: string };
  summary: Summary;
  scenarios: ScenarioReport[];
}

/**
 * A file every run writes next to the console output (report.json, junit.xml): one module of
 * lib/report/ exporting it as FORMAT; make plan lists it in formats.gen.ts.
 */
export interface ReportFormat {
  /** the file name in the run's report directory */
  file: string;
  render(r: RunReport): string;
}

export interface Summary {
  scenarios: number;
  passed: number;
  failed: number;
  xfail: number;
  xpass: number;
  skipped: number;
  errors: number;
  checks: number;
  checksFailed: number;
  checksXfail: number;
  checksXpass: number;
  /** checks whose evidence could not be read (status error) */
  checksErrors: number;
  /** checks not judged (their step's action or precondition failed) */
  checksUnjudged: number;
}

/**
 * A scenario's report: the one place one is built, from the plan's scenario (id, title), its
 * judgement when it was judged (lib/judge/verdict.ts judge, on the scenario as its Pantavisor version
 * gates it) and what the run adds (timings, waits, the bundle, ...). `error` (a step's action
 * failed, the target did not boot) makes it an ERROR whatever the judgement.
 */
export function scenarioReport(
  scenario: Pick<Scenario, 'id' | 'title'>,
  judged: { judgement: Judgement; versioned: { scenario: Pick<Scenario, 'knownIssue'>; notes: string[] }; capabilities: Record<string, CapabilityProbe>; error?: string } | undefined,
  found: Omit<ScenarioReport, 'id' | 'title' | 'status' | 'knownIssue' | 'skip' | 'versionNotes' | 'capabilities'> & { error?: string },
): ScenarioReport {
  if (!judged) return { id: scenario.id, title: scenario.title, status: 'error', ...found };
  const { judgement: j, versioned } = judged;
  const error = judged.error ?? j.error;
  const { didNotBoot, pantavisor, ...rest } = found;
  return {
    id: scenario.id,
    title: scenario.title,
    status: judged.error ? 'error' : j.status,
    ...(error ? { error } : {}),
    knownIssue: versioned.scenario.knownIssue,
    skip: j.skip,
    ...(didNotBoot ? { didNotBoot } : {}),
    ...(pantavisor !== undefined ? { pantavisor } : {}),
    ...(versioned.notes.length ? { versionNotes: versioned.notes } : {}),
    capabilities: judged.capabilities,
    ...rest,
  };
}

export function statusOf(r: CheckResult): NonNullable<CheckResult['status']> {
  return r.status ?? (r.pass ? 'pass' : 'fail');
}

/** A known issue as the reports quote it. */
export const issueText = (k: KnownIssue): string => `${k.summary} (seen in ${k.seenIn})`;

export function summarize(scenarios: ScenarioReport[]): Summary {
  const checks = scenarios.flatMap((s) => s.checks);
  const count = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length;
  return {
    scenarios: scenarios.length,
    passed: count(scenarios, (s) => s.status === 'passed'),
    failed: count(scenarios, (s) => s.status === 'failed'),
    xfail: count(scenarios, (s) => s.status === 'xfail'),
    xpass: count(scenarios, (s) => s.status === 'xpass'),
    skipped: count(scenarios, (s) => s.status === 'skipped'),
    errors: count(scenarios, (s) => s.status === 'error'),
    checks: checks.length,
    checksFailed: count(checks, (r) => statusOf(r) === 'fail'),
    checksXfail: count(checks, (r) => statusOf(r) === 'xfail'),
    checksXpass: count(checks, (r) => statusOf(r) === 'xpass'),
    checksErrors: count(checks, (r) => statusOf(r) === 'error'),
    checksUnjudged: count(checks, (r) => statusOf(r) === 'unjudged'),
  };
}

/**
 * 0 all passed (XFAIL, XPASS and SKIPPED included unless STRICT); 1 a check failed; else the
 * highest error code (2 usage, 3 environment: also a check whose evidence could not be read).
 */
export function exitCodeOf(scenarios: ScenarioReport[], errorCodes: number[], strict = false): number {
  const unreadable = scenarios.some((s) => s.checks.some((c) => statusOf(c) === 'error'));
  const codes = unreadable ? [...errorCodes, 3] : errorCodes;
  if (codes.length) return Math.max(...codes);
  return scenarios.some((s) => failsRun(s.status, strict)) ? 1 : 0;
}
