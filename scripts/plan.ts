/**
 * plan: writes the test plan as Markdown (docs/testplan-ipam.md) and deno.json's tasks from
 * scenarios.json (SCENARIOS=FILE for another). --check writes nothing and exits 1 naming each
 * file that is out of date. --out FILE and --deno-json FILE write (or check) other files.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../lib/errors.ts';
import { denoTasks, withTasks } from '../lib/deno-tasks.ts';
import { planMarkdown, type DocPlan } from '../lib/plan-markdown.ts';
import { isMain, loadPlan, main, ROOT, say } from './shared/common.ts';

export interface PlanArgs { check: boolean; out: string; denoJson: string }

export function parseArgs(args: string[]): PlanArgs {
  const r: PlanArgs = { check: false, out: `${ROOT}/docs/testplan-ipam.md`, denoJson: `${ROOT}/deno.json` };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--check') r.check = true;
    else if (a === '--out' || a === '--deno-json') {
      const v = args[++i];
      if (!v) throw new UsageError(`${a} needs a file`);
      if (a === '--out') r.out = resolve(v);
      else r.denoJson = resolve(v);
    } else throw new UsageError(`unknown argument '${a}' (plan.ts [--check] [--out FILE] [--deno-json FILE])`);
  }
  return r;
}

/** A path as the user reads it: relative to the repository when inside it. */
function shown(file: string): string {
  const r = relative(ROOT, file);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : file;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

if (isMain(import.meta.url)) {
  await main(async () => {
    const args = parseArgs(process.argv.slice(2));
    const plan = loadPlan() as DocPlan;
    const source = basename(process.env.SCENARIOS || 'scenarios.json');
    const denoText = read(args.denoJson);
    if (denoText === undefined) throw new UsageError(`cannot read ${args.denoJson}`);
    const wanted: [file: string, text: string, what: string][] = [
      [args.out, planMarkdown(plan), shown(args.out)],
      [args.denoJson, withTasks(denoText, denoTasks(plan)), `${shown(args.denoJson)} tasks`],
    ];
    if (args.check) {
      const stale = wanted.filter(([file, text]) => read(file) !== text);
      for (const [, , what] of stale) say(`${what} ${what.endsWith('tasks') ? 'are' : 'is'} out of date with ${source}; run make plan`);
      return stale.length ? 1 : 0;
    }
    for (const [file, text, what] of wanted) {
      if (read(file) === text) continue;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      say(`wrote ${what.replace(/ tasks$/, '')}`);
    }
  });
}
