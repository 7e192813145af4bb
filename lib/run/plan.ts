/**
 * plan: writes the test plan as Markdown (docs/testplan-ipam.md) and deno.json's tasks from
 * scenarios.json (SCENARIOS=FILE for another), and scenarios.schema.json from the check kinds'
 * definitions (lib/plan-schema.ts). --check writes nothing and exits 1 naming each file that is
 * out of date. --out FILE, --deno-json FILE and --schema FILE write (or check) other files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseArgs as utilParseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { denoTasks, withTasks } from '../deno-tasks.ts';
import { type DocPlan, planMarkdown } from '../plan-markdown.ts';
import { planSchemaText } from '../plan-schema.ts';
import { EMBEDDED, loadPlan, ROOT } from './inputs.ts';
import { say } from './output.ts';

export interface PlanArgs {
  check: boolean;
  out: string;
  denoJson: string;
  schema: string;
}

const USAGE = 'plan.ts [--check] [--out FILE] [--deno-json FILE] [--schema FILE]';

export function parseArgs(args: string[]): PlanArgs {
  let values: { check?: boolean; out?: string; 'deno-json'?: string; schema?: string };
  try {
    ({ values } = utilParseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { check: { type: 'boolean' }, out: { type: 'string' }, 'deno-json': { type: 'string' }, schema: { type: 'string' } },
    }));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const a = args.find((x) => x.startsWith('-') && !['--check', '--out', '--deno-json', '--schema'].includes(x.split('=')[0])) ?? args.find((x) => !x.startsWith('-'));
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${args.find((x) => x === '--out' || x === '--deno-json' || x === '--schema') ?? '--out'} needs a file`);
    throw new UsageError(`unknown argument '${a ?? args.join(' ')}' (${USAGE})`);
  }
  for (const [name, v] of [['--out', values.out], ['--deno-json', values['deno-json']], ['--schema', values.schema]] as const) {
    if (v === '') throw new UsageError(`${name} needs a file`);
  }
  // the single file (make dist) has no docs/, deno.json nor schema file: the Markdown goes to stdout unless --out
  return {
    check: values.check ?? false,
    out: values.out ? resolve(values.out) : EMBEDDED ? '' : `${ROOT}/docs/testplan-ipam.md`,
    denoJson: values['deno-json'] ? resolve(values['deno-json']) : EMBEDDED ? '' : `${ROOT}/deno.json`,
    schema: values.schema ? resolve(values.schema) : EMBEDDED ? '' : `${ROOT}/scenarios.schema.json`,
  };
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

/** make plan: what scripts/plan.ts runs (its arguments: `args`); returns the exit status. */
export async function planCommand(argv: string[]): Promise<number | void> {
  const args = parseArgs(argv);
  const plan = loadPlan() as DocPlan;
  const source = basename(process.env.SCENARIOS || 'scenarios.json');
  if (!args.out) {
    if (args.check) throw new UsageError('plan --check needs --out FILE (the Markdown to compare)');
    process.stdout.write(planMarkdown(plan));
    return 0;
  }
  const denoText = args.denoJson ? read(args.denoJson) : '';
  if (denoText === undefined) throw new UsageError(`cannot read ${args.denoJson}`);
  const wanted: [file: string, text: string, what: string][] = [
    [args.out, planMarkdown(plan), shown(args.out)],
    ...(args.denoJson ? [[args.denoJson, withTasks(denoText, denoTasks(plan)), `${shown(args.denoJson)} tasks`] as [string, string, string]] : []),
    ...(args.schema ? [[args.schema, planSchemaText(), shown(args.schema)] as [string, string, string]] : []),
  ];
  if (args.check) {
    const stale = wanted.filter(([file, text]) => read(file) !== text);
    for (const [file, , what] of stale) {
      const from = file === args.schema ? 'lib/plan-schema.ts and the check kinds (lib/checks/)' : source;
      say(`${what} ${what.endsWith('tasks') ? 'are' : 'is'} out of date with ${from}; run make plan`);
    }
    return stale.length ? 1 : 0;
  }
  for (const [file, text, what] of wanted) {
    if (read(file) === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    say(`wrote ${what.replace(/ tasks$/, '')}`);
  }
}
