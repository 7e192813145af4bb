/**
 * The single file's command line (make dist), read: `<verb> [NAME=value | --name=value]...`
 * into the script that runs, the environment to add and its arguments (scripts/dist/verb.ts
 * applies it); the verbs that need the repository are refused here.
 */
import { UsageError } from '../errors.ts';
import { verbBase, verbNamed, VERBS } from '../verbs.ts';

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
