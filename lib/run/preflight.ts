/**
 * Before the boot, one question to the image: does it have every program the scenario's steps
 * run and the gathering of what its checks read uses? A missing one is an ERROR of the run at
 * once (exit 3), naming the tool, the scenario and who needs it, instead of a step that fails
 * its action and a wait that ends in FAILs (and a known issue that "looks fixed"). Pure: the
 * tool list, the probe script and the error line.
 */
import { FILES } from '../bundle/bundle.ts';
import { filesOfCheck, gatherCommands, type GatherPaths, optionalFilesFor } from '../bundle/gather.ts';
import type { Scenario } from '../plan/scenarios.ts';
import { programsOf } from '../tooling/shell-words.ts';
import { UPDATE_PROGRAMS } from './update-step.ts';
import { shellQuote } from '../tooling/shell-quote.ts';

/**
 * The programs the toolkit's own reading uses: `timeout -k` around every command, the log read
 * incrementally, setsid for the background `pvcontrol containers ls` (its own process group, so
 * that stopping it stops its pvcurl too: lib/bundle/gather.ts).
 */
const GATHER_BASE = ['timeout', 'cat', 'tail', 'wc', 'setsid'];

/** Each program the scenario needs, with what needs it first ("step after-relaunch: kill -9 ..."). */
export function scenarioTools(scenario: Scenario, paths: GatherPaths): Map<string, string> {
  const need = new Map<string, string>();
  const add = (tools: string[], by: string) => {
    for (const t of tools) if (!need.has(t)) need.set(t, by);
  };
  add(GATHER_BASE, 'the gathering (every command runs under timeout -k; pantavisor.log is read with tail; the background pvcontrol runs under setsid)');
  for (const step of scenario.steps) if (step.run !== undefined) add(programsOf(step.run), `step ${step.id}: ${step.run}`);
  for (const step of scenario.steps) if (step.update) add(UPDATE_PROGRAMS, `step ${step.id}: the update to ${step.update.revision} (pvtx, pvcontrol cmd run)`);
  // only the files some check or wait reads: a tool whose output nothing judges is not needed
  const checks = scenario.steps.flatMap((s) => [...s.waitFor, ...s.checks]);
  const read = new Set(checks.flatMap(filesOfCheck));
  const pings = scenario.steps.flatMap((s) => s.pings ?? []);
  const commands = gatherCommands(paths, pings, { optional: optionalFilesFor(checks), overrides: scenario.gather, exclude: [FILES.log] });
  for (const [file, command] of commands) if (read.has(file)) add(programsOf(command), `the gathering of ${file}: ${command}`);
  return need;
}

/** A sh script printing the name of each program not on PATH, one a line (each name one quoted word). */
export function preflightScript(tools: string[]): string {
  return `for t in ${tools.map(shellQuote).join(' ')}; do command -v "$t" >/dev/null 2>&1 || echo "$t"; done; true`;
}

/** The missing programs, from the script's output. */
export function missingTools(stdout: string, tools: string[]): string[] {
  const asked = new Set(tools);
  return [...new Set(stdout.split('\n').map((l) => l.trim()).filter((l) => asked.has(l)))];
}

/** The ERROR line: which tools, which scenario, who needs them. */
export function missingToolsLine(scenarioId: string, image: string, missing: string[], need: Map<string, string>): string {
  const what = missing.map((t) => `${t} (${need.get(t) ?? 'needed'})`).join('; ');
  return `Test ${scenarioId}: the image ${image} has no ${missing.length === 1 ? 'command' : 'commands'} ${what}; nothing was booted`;
}
