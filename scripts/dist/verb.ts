/**
 * The single file's command line (make dist): `pv-ipam-tests.mjs <verb> [NAME=value | --name=value]...`.
 * Evaluated before every script of the file: it reads the verb, puts the variables into the
 * environment as make would, and names the script that runs (common.ts isMain); `help`,
 * `--version` and the verbs that need the repository are answered here. Imported as a library
 * (the command is another file), it does nothing.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT, UsageError } from '../../lib/errors.ts';
import { DEFAULTS } from '../../lib/config.ts';
import { VARIABLES } from '../../lib/variables.ts';
import { describeAny, verbBase, verbNamed, VERBS } from '../../lib/verbs.ts';
import { colors, EMBEDDED, loadPlan, main, say } from '../shared/common.ts';

/** The verbs of the single file (lib/verbs.ts, place `anywhere`): name (or name-<id>) → the script that runs it. */
const SCRIPTS: Record<string, string> = Object.fromEntries(VERBS.filter((v) => v.place === 'anywhere' && v.script && !v.byPattern && v.target !== 'help').map((v) => [verbBase(v), v.script!]));
/** The verbs that take a test id (test-1, verify-all, capture-9). */
const WITH_ID = new Set(VERBS.filter((v) => v.place === 'anywhere' && v.target.endsWith('-%')).map(verbBase));
/** Options that are the script's own, not variables. */
const OPTIONS: Record<string, string[]> = { plan: ['--check', '--out', '--deno-json'], 'junit-merge': ['--out'] };
/** What the single file runs, as its refusals name them. */
const RUNS = [...VERBS.filter((v) => v.place === 'anywhere' && !v.byPattern && v.target !== 'help').map((v) => v.target.replace(/-%$/, '-N')), 'help'].join(', ');

/** The Makefile's targets that the single file does not carry (lib/verbs.ts place), and why. */
export function repositoryOnly(verb: string): string | undefined {
  const v = verbNamed(verb);
  if (v?.place === 'repository') return `${verb} needs the pv-ipam-tests repository (make ${verb} there); the single file runs: ${RUNS}`;
  if (v?.place === 'makefile-step') {
    return `${verb} is a step of the pv-ipam-tests repository's Makefile (make ${verb} there); the single file runs whole tests: test-N (stage, up, verify, down), verify-N SNAPSHOT=DIR, capture-N`;
  }
  return undefined;
}

export interface Command {
  /** the script that runs, or 'help' / 'version' */
  script: string;
  /** the environment to add (N, then the variables given) */
  env: Record<string, string>;
  /** the arguments the script reads (process.argv.slice(2)) */
  args: string[];
}

/** Reads `<verb> [NAME=value | --name=value | option]...`; bad input is a UsageError. */
export function parseCommand(argv: string[], vars: string[]): Command {
  const [verb, ...rest] = argv;
  if (verb === undefined || ['help', '--help', '-h'].includes(verb)) return { script: 'help', env: {}, args: [] };
  if (verb === '--version' || verb === 'version') return { script: 'version', env: {}, args: [] };
  const elsewhere = repositoryOnly(verb);
  if (elsewhere) throw new UsageError(elsewhere);
  const m = /^([a-z][a-z-]*?)(?:-([a-z0-9][a-z0-9-]*))?$/.exec(verb);
  const base = m && (m[2] !== undefined && WITH_ID.has(m[1]) ? m[1] : SCRIPTS[verb] ? verb : undefined);
  if (!m || !base) throw new UsageError(`unknown verb '${verb}' (help lists them)`);
  const env: Record<string, string> = {};
  if (WITH_ID.has(base) && m[2] !== undefined) env.N = m[2];
  const args: string[] = [];
  const known = new Set(vars);
  const options = OPTIONS[base] ?? [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const option = options.find((o) => a === o || a.startsWith(`${o}=`));
    if (option) {
      args.push(a);
      continue;
    }
    const v = /^(?:--([a-zA-Z][a-zA-Z0-9_-]*)|([A-Z][A-Z0-9_]*))=(.*)$/s.exec(a);
    if (v) {
      const name = v[1] !== undefined ? v[1].toUpperCase().replaceAll('-', '_') : v[2];
      if (!known.has(name)) throw new UsageError(`unknown variable ${name} in '${a}' (help lists them)`);
      env[name] = v[3];
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option '${a}' for ${verb} (help lists the verbs and variables)`);
    } else if (base === 'junit-merge') {
      args.push(a); // its report.json files, as after `make junit-merge`'s script
    } else {
      throw new UsageError(`unexpected argument '${a}' for ${verb} (variables are NAME=value or --name=value)`);
    }
  }
  return { script: base, env, args };
}

function help(): void {
  const plan = loadPlan();
  const b = colors.bold;
  say(b('pv-ipam-tests.mjs') + ` — the ${plan.plan.title} (${plan.plan.version}) as one file (Node >= 20 or Deno)`);
  say(`  node pv-ipam-tests.mjs <verb> [NAME=value | --name=value]...      (deno run -A pv-ipam-tests.mjs ... the same)`);
  say();
  say(b('Verbs'));
  for (const v of VERBS.filter((x) => x.place === 'anywhere' && x.target !== 'help')) say(`  ${v.target.replace(/-%$/, '-N').padEnd(21)} ${describeAny(v)}`);
  say(`  help, --version       this text; the version and the commit the file was built from`);
  say(colors.dim(`  the lab, the dev build and the Makefile's single steps (up, down, stage, ...) need the repository`));
  say();
  say(b('Tests'));
  for (const s of plan.scenarios) say(`  ${s.id.padEnd(24)}${s.title}`);
  say();
  say(b('Variables') + colors.dim(" (environment, NAME=value or --name=value; TARGET=lab|dev use the repository's presets, their folders given)"));
  // what make passes (VARS), but not the variables of the repository's own tools
  for (const { name: k, description: d, make, repositoryOnly } of VARIABLES) {
    if (make && !repositoryOnly) say(`  ${k.padEnd(16)} ${d}${DEFAULTS[k] ? colors.dim(` (default: ${DEFAULTS[k]})`) : ''}`);
  }
  say();
  say(b('Exit status') + ': 0 passed, 1 a check failed, 2 bad usage or input, 3 environment, 130/143 interrupted');
}

/** Whether this module's file is the command's (not imported by a script of one's own). */
function isCommand(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (EMBEDDED && isCommand()) {
  const embedded = EMBEDDED;
  let command: Command | undefined;
  await main(async () => {
    command = parseCommand(process.argv.slice(2), VARIABLES.map((v) => v.name));
    if (command.script === 'version') say(`pv-ipam-tests ${embedded.version} (commit ${embedded.commit})`);
    if (command.script === 'help') help();
    return EXIT.pass;
  });
  if (command && process.exitCode === EXIT.pass && command.script !== 'help' && command.script !== 'version') {
    Object.assign(process.env, command.env);
    process.argv.splice(2, Infinity, ...command.args);
    (globalThis as { pvIpamScript?: string }).pvIpamScript = command.script;
  }
}
