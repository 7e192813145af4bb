/**
 * deno.json's tasks, generated from scenarios.json (`make plan` writes them), so that a clone
 * with only Deno runs what the Makefile runs: `deno task test-9`, `SNAPSHOT=DIR deno task
 * verify-9`, ... Variables go in the environment, as with make (`TARGET=lab deno task test-9`).
 */
import type { PlanFile } from './scenarios.ts';

export interface DenoTask {
  description: string;
  command: string;
}

const RUN = 'deno run -A --quiet';

function task(script: string, description: string, args = ''): DenoTask {
  return { description, command: `${RUN} scripts/${script}.ts${args ? ` ${args}` : ''}` };
}

/** Every task, in the order `deno task` lists them. */
export function denoTasks(plan: PlanFile): Record<string, DenoTask> {
  const ids = plan.scenarios.map((s) => s.id);
  const tasks: Record<string, DenoTask> = {
    help: task('help', 'the targets and variables (make help)'),
    'test-all': task('test', 'every test, one after another: stage, up, verify, down', 'all'),
  };
  tasks.rerun = task('rerun', 'REPORT=DIR: run again the tests of a run that failed or could not run');
  for (const s of plan.scenarios) tasks[`test-${s.id}`] = task('test', `Test ${s.id}: ${s.title} (stage, up, verify, down)`, s.id);
  for (const id of ids) tasks[`stage-${id}`] = task('stage', `copy Test ${id}'s pvrexports into pvtx.d`, id);
  tasks['verify-all'] = task('verify', 'SNAPSHOT=DIR: re-check every test-<id>/ bundle of a run directory offline', 'all');
  for (const id of ids) tasks[`verify-${id}`] = task('verify', `check Test ${id} against the running container, or offline with SNAPSHOT=DIR`, id);
  for (const id of ids) tasks[`capture-${id}`] = task('capture', `write Test ${id}'s bundle (CAPTURE_DIR=DIR)`, id);
  Object.assign(tasks, {
    up: task('up', 'docker run the appengine and start pv-appengine; wait until the boot settles'),
    down: task('down', 'remove the container and volume the toolkit created'),
    shell: task('shell', 'a shell in the container (CMD="lxc-ls -f" runs one command)'),
    logs: task('logs', 'follow pantavisor.log (LOG=appengine, FOLLOW=0)'),
    clean: task('clean', 'remove every container and volume the toolkit labelled'),
    build: task('build', "the plan's kas build (DRY_RUN=1 prints it)"),
    load: task('load', 'docker load the appengine image'),
    lint: task('lint', 'predict what Pantavisor refuses in the pvrexports of ARTIFACTS (no docker)'),
    plan: task('plan', 'write docs/testplan-ipam.md and these tasks from scenarios.json'),
    'plan-check': task('plan', 'fail if docs/testplan-ipam.md or these tasks are out of date with scenarios.json', '--check'),
    'ci-matrix': task('ci-matrix', "the scenario ids as GitHub Actions' strategy.matrix JSON"),
    'junit-merge': task('junit-merge', 'one JUnit file of several runs: REPORTS="a/report.json b/report.json" OUT=merged.xml'),
  });
  return tasks;
}

/** deno.json's text with its tasks replaced (every other key kept, in its place). */
export function withTasks(denoJsonText: string, tasks: Record<string, DenoTask>): string {
  const config = JSON.parse(denoJsonText) as Record<string, unknown>;
  config.tasks = tasks;
  return JSON.stringify(config, null, 2) + '\n';
}
