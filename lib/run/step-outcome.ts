/**
 * A step's action has an outcome of its own: the command ran and exited with a status the
 * scenario allows for it (0, or what its `allowStatus` lists: a real `pvcontrol containers
 * stop` returns 255 after its lenient stop timed out), or the run is an ERROR (exit 3) and the
 * step's checks are not judged. 126/127 (not executable, not found) and a shell saying a
 * command was not found are errors whatever the scenario allows. Pure.
 */
import type { Step } from '../plan/scenarios.ts';

export type ActionOutcome = { ok: true } | { ok: false; line: string };

/** Statuses no scenario may allow: the command did not run at all. */
export const NEVER_ALLOWED = [126, 127];

const NOT_FOUND = /(^|\n)[^\n]*(: not found|: command not found)\s*(\n|$)/;

/** The statuses a step's command may exit with (0 unless the step's allowStatus says otherwise). */
export function allowedStatuses(step: Step): number[] {
  return step.allowStatus ?? [0];
}

/** One line of a command's output: trimmed, lines joined, at most `max` characters. */
export function oneLine(output: string, max = 240): string {
  const text = output.trim().split('\n').map((l) => l.trim()).filter(Boolean).join(' | ');
  if (!text) return '(no output)';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function actionOutcome(step: Step, exitCode: number, output: string): ActionOutcome {
  const allowed = allowedStatuses(step);
  const head = `step '${step.id}': ${step.run} exited ${exitCode}`;
  const out = oneLine(output);
  if (NEVER_ALLOWED.includes(exitCode)) return { ok: false, line: `${head} (${exitCode === 127 ? 'command not found' : 'not executable'}): ${out}` };
  const notFound = NOT_FOUND.exec(output);
  if (notFound) return { ok: false, line: `${head}, a command it runs is missing: ${out}` };
  if (!allowed.includes(exitCode)) return { ok: false, line: `${head}, which the scenario does not allow (allowed: ${allowed.join(', ')}): ${out}` };
  return { ok: true };
}
