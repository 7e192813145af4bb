/**
 * Boots a scenario the way the plan does, plus what a scenario asks for before the boot (the
 * target made by the driver's boot hooks; the docker driver's lines shown):
 *   make stage-N; docker volume create; docker run ... sleep infinity
 *   docker exec pva-test sh -c '<before-boot command>'       (each, echoed)
 *   docker exec pva-test sh -c '<capability probe>'          (e.g. command -v iptables)
 *   docker exec pva-test sh -c 'for t in ...; do command -v "$t" ...'   (every tool the steps and the gathering use: missing = exit 3)
 *   docker exec pva-test sh -c 'pv-appengine > ... 2>&1 &'   (unless a probe found it absent)
 */
import type { Config } from '../tooling/config.ts';
import { commandCapabilities, commandProbe } from '../plan/capabilities.ts';
import { EnvironmentError, Interrupted } from '../tooling/errors.ts';
import type { CapabilityProbe } from '../plan/capabilities.ts';
import type { ScenarioReport } from '../report/model.ts';
import type { PlanFile, Scenario } from '../plan/scenarios.ts';
import { colors, say, shellQuote, terminalSafe, uptime } from './output.ts';
import { bootHooks, execInTarget, timed } from './exec.ts';
import { missingTools, missingToolsLine, preflightScript, scenarioTools } from './preflight.ts';
import { type CheckedExports, stage } from './stage.ts';
import { startAppengine } from './up.ts';
import { parseVersion, type PvVersion, VERSION_FILE, versionLine } from '../judge/pv-version.ts';

/** The Pantavisor version the image says it carries (one cat; absent on a Yocto image or the lab: unknown). */
export async function readVersion(cfg: Config): Promise<PvVersion | undefined> {
  const r = await execInTarget(cfg, `cat ${VERSION_FILE} 2>/dev/null; true`, cfg.cmdTimeoutSecs + 30);
  const v = parseVersion(r.stdout);
  say(colors.dim(`  pantavisor: ${versionLine(v)}`));
  return v;
}

export type Action = NonNullable<ScenarioReport['actions']>[number];

export interface Booted {
  probes: Record<string, CapabilityProbe>;
  actions: Action[];
  /** false when a required capability was found absent before the boot (nothing started) */
  started: boolean;
  /** the image's /usr/share/pv-ipam-tests/pantavisor-version.json (undefined: version unknown) */
  version?: PvVersion;
  /** host uptime (s) when pv-appengine was started */
  appengineStart?: number;
  /** on a running device: the revision installed for the scenario (kept in the bundle's meta.json) */
  device?: { revision: string; baseline: string; form: 'update' | 'testing-rollback' };
  /** host uptime (s) around the plan's docker commands (volume create, run, before-boot, probes) */
  dockerStart?: number;
  dockerEnd?: number;
}

/** Runs the scenario's before-boot commands in the container, echoed; a failure is exit 3. */
export async function runBeforeBoot(cfg: Config, scenario: Scenario, actions: Action[]): Promise<void> {
  for (const command of scenario.beforeBoot ?? []) {
    const r = await execInTarget(cfg, `${timed(cfg, `sh -c ${shellQuote(command)}`)} 2>&1`, cfg.cmdTimeoutSecs + 30, true);
    actions.push({ step: 'before-boot', command, exitCode: r.exitCode, output: r.stdout });
    if (r.exitCode !== 0) throw new EnvironmentError(`before-boot command failed (exit ${r.exitCode}): ${command}: ${r.stdout.trim().split('\n').pop() ?? ''}`);
  }
}

/** Probes the scenario's command capabilities in the container, echoed. */
export async function probeCommands(cfg: Config, plan: PlanFile, scenario: Scenario): Promise<Record<string, CapabilityProbe>> {
  const probes: Record<string, CapabilityProbe> = {};
  for (const [id, command] of commandCapabilities(plan, scenario)) {
    const r = await execInTarget(cfg, `${timed(cfg, `sh -c ${shellQuote(command)}`)} >/dev/null 2>&1`, cfg.cmdTimeoutSecs + 30, true);
    probes[id] = commandProbe(command, r.exitCode);
    say(colors.dim(terminalSafe(`  capability ${id}: ${probes[id].present ? 'present' : 'absent'} (${command}: exit ${r.exitCode})`)));
  }
  return probes;
}

/**
 * Asks the container, as the before-boot commands left it, for every program the scenario's
 * steps and the gathering of what its checks read use (one exec); a missing one is exit 3.
 */
export async function preflightTools(cfg: Config, scenario: Scenario): Promise<void> {
  const need = scenarioTools(scenario, { deviceJsonFile: cfg.deviceJsonFile, logFile: cfg.logFile, appengineOut: cfg.appengineOut, pingWaitSecs: cfg.pingWaitSecs });
  const tools = [...need.keys()];
  const r = await execInTarget(cfg, preflightScript(tools), cfg.cmdTimeoutSecs + 30, true);
  if (r.exitCode !== 0) throw new EnvironmentError(`Test ${scenario.id}: the tool preflight could not run in ${cfg.container} (exit ${r.exitCode}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  const missing = missingTools(r.stdout, tools);
  if (missing.length) throw new EnvironmentError(missingToolsLine(scenario.id, cfg.image, missing, need));
  say(colors.dim(`  tools: ${tools.length} found (${tools.join(' ')})`));
}

/**
 * Stages the scenario, makes the target (the driver's boot hooks), runs its before-boot commands
 * and probes, then starts pv-appengine; `checked` holds the exports the run has already checked.
 */
export async function bootScenario(cfg: Config, plan: PlanFile, scenario: Scenario, runId: string, signal?: AbortSignal, checked?: CheckedExports): Promise<Booted> {
  const { boot } = bootHooks(cfg, `Test ${scenario.id}`);
  // an interrupt stops the boot between its phases; the caller's teardown removes what exists
  const stop = () => {
    if (signal?.aborted) throw new Interrupted();
  };
  await stage(cfg, plan, scenario, checked);
  stop();
  const dockerStart = uptime();
  await boot.create({ runId });
  stop();
  const version = await readVersion(cfg);
  const actions: Action[] = [];
  await runBeforeBoot(cfg, scenario, actions);
  const probes = await probeCommands(cfg, plan, scenario);
  stop();
  if (Object.values(probes).some((p) => !p.present)) return { probes, actions, started: false, version, dockerStart, dockerEnd: uptime() };
  await preflightTools(cfg, scenario);
  stop();
  await startAppengine(cfg);
  const appengineStart = uptime();
  return { probes, actions, started: true, version, appengineStart, dockerStart, dockerEnd: appengineStart };
}
