/**
 * The single file's command line (make dist): `pv-ipam-tests.mjs <verb> [NAME=value | --name=value]...`.
 * Evaluated before every script of the file: it reads the verb, puts the variables into the
 * environment as make would (lib/dist/command.ts reads it), and names the script that runs
 * (lib/run/cli.ts isMain); `help`,
 * `--version` and the verbs that need the repository are answered here. Imported as a library
 * (the command is another file), it does nothing.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../lib/errors.ts';
import { type Command, parseCommand } from '../../lib/dist/command.ts';
import { DEFAULTS } from '../../lib/config.ts';
import { VARIABLES } from '../../lib/variables.ts';
import { describeAny, VERBS } from '../../lib/verbs.ts';
import { EMBEDDED, loadPlan } from '../../lib/run/inputs.ts';
import { colors, say } from '../../lib/run/output.ts';
import { main } from '../../lib/run/cli.ts';

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
