/**
 * deno.json's tasks, generated from lib/tooling/verbs.ts and scenarios.json (`make plan` writes them), so that a clone
 * with only Deno runs what the Makefile runs: `deno task test-9`, `SNAPSHOT=DIR deno task
 * verify-9`, ... Variables go in the environment, as with make (`TARGET=lab deno task test-9`).
 */
import type { PlanFile } from './scenarios.ts';
import { describeFor, verbBase, VERBS } from '../tooling/verbs.ts';

export interface DenoTask {
  description: string;
  command: string;
}

const RUN = 'deno run -A --quiet';

function task(script: string, description: string, args = ''): DenoTask {
  return { description, command: `${RUN} scripts/${script}.ts${args ? ` ${args}` : ''}` };
}

/** Every task: the verbs of lib/tooling/verbs.ts that have one (a `-%` verb once per test id), in its order. */
export function denoTasks(plan: PlanFile): Record<string, DenoTask> {
  const tasks: Record<string, DenoTask> = {};
  for (const v of VERBS) {
    if (!v.task || !v.script) continue;
    if (v.target.endsWith('-%')) {
      for (const s of plan.scenarios) tasks[`${verbBase(v)}-${s.id}`] = task(v.script, describeFor(v, s.id, s.title), (v.args ?? '').replace('%', s.id));
    } else {
      tasks[v.target] = task(v.script, v.description, v.args);
    }
  }
  return tasks;
}

/** deno.json's text with its tasks replaced (every other key kept, in its place). */
export function withTasks(denoJsonText: string, tasks: Record<string, DenoTask>): string {
  const config = JSON.parse(denoJsonText) as Record<string, unknown>;
  config.tasks = tasks;
  return JSON.stringify(config, null, 2) + '\n';
}
