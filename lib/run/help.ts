/** help: the make targets (lib/verbs.ts) and the variables (lib/variables.ts), with their defaults and current values. */
import { DEFAULTS, DESCRIPTIONS, SWITCHES } from '../config.ts';
import { describeAny, HELP_SECTIONS, VERBS } from '../verbs.ts';
import { loadPlan } from './inputs.ts';
import { colors, say, terminalSafe } from './output.ts';

/** make help: what scripts/help.ts runs; returns the exit status. */
export async function helpCommand(): Promise<number | void> {
  const plan = loadPlan({ checkVariables: false });
  const b = colors.bold;
  say(b('pv-ipam-tests') + ` — runs the ${plan.plan.title} (${plan.plan.version}) automatically`);
  say();
  const width = Math.max(...plan.scenarios.map((s) => `make test-${s.id}`.length)) + 2;
  const line = (s: (typeof plan.scenarios)[number]) => {
    say(`  ${`make test-${s.id}`.padEnd(width)}${s.title}${s.requires?.length ? colors.dim(`  (requires ${s.requires.join(', ')})`) : ''}`);
    const issues = [s.knownIssue, ...s.steps.flatMap((st) => st.checks.map((c) => c.knownIssue))].filter((k) => !!k);
    for (const k of issues) say(colors.yellow(`  ${''.padEnd(width)}known issue: ${k!.summary} (${k!.seenIn})`));
  };
  say(b('Run the plan'));
  plan.scenarios.filter((s) => (s.section ?? 'plan') === 'plan').forEach(line);
  say();
  say(b('Beyond the plan') + colors.dim(' (cases the plan leaves out; what today\'s Pantavisor does is in scenarios.json "observed")'));
  plan.scenarios.filter((s) => s.section === 'beyond-plan').forEach(line);
  const updates = plan.scenarios.filter((s) => s.section === 'updates');
  if (updates.length) {
    say();
    say(b('Updates and auto-recovery') + colors.dim(' (a running device takes a new revision, or recovers a crashed container)'));
    updates.forEach(line);
  }
  say();
  // the verbs (lib/verbs.ts), by section; the lines that are variables, not verbs, after their section
  const hints: Partial<Record<keyof typeof HELP_SECTIONS, [string, string][]>> = {
    run: [
      ['KEEP=1 make test-N', 'keep the container afterwards (debug a failure)'],
      ['STRICT=1', 'a known issue that fails (XFAIL) or looks fixed (XPASS) fails the run'],
      ['REQUIRE=isolation', 'a missing capability fails its scenario instead of skipping it'],
    ],
    debug: [['VERBOSE=1', 'echo every command of each gathering round; FAILs print a "see:" command']],
    build: [['TARGET=lab', 'run any target against the lab instead of a real appengine'], ['TARGET=dev', 'run any target against the dev appengine and its exports']],
    project: [['RUNTIME=deno', 'run any script under Deno instead of Node']],
    document: [['deno task test-N', 'and every task above with a script: the same without Node (.ci/deno-alone proves it)']],
  };
  const row = (left: string, text: string) => say(`  ${left.padEnd(18)} ${text}`);
  for (const [section, title] of Object.entries(HELP_SECTIONS) as [keyof typeof HELP_SECTIONS, string][]) {
    // the run section's test-N lines are the scenarios above
    const verbs = VERBS.filter((v) => v.section === section && v.target !== 'test-%');
    if (section !== 'run') say(b(title));
    for (const v of verbs) {
      row(`make ${v.target.replace(/-%$/, '-N')}`, describeAny(v));
    }
    for (const [left, text] of hints[section] ?? []) row(left, text);
    say();
  }
  say(b('Variables') + colors.dim(' (make VAR=value ..., or environment)'));
  say(`  Switches (${SWITCHES.join(', ')}) take 1 or 0; empty is unset (the default). REQUIRE takes capabilities of scenarios.json`);
  say(`  (${Object.keys(plan.capabilities ?? {}).join(', ')}), comma- or space-separated; JOBS 1 to 16; LOG pantavisor or appengine.`);
  say(`  Any other value is refused (one line, exit 2, nothing started).`);
  for (const [k, d] of Object.entries(DESCRIPTIONS)) {
    const cur = process.env[k];
    const def = DEFAULTS[k] || '(see description)';
    say(`  ${k.padEnd(16)} ${d}`);
    say(colors.dim(`  ${''.padEnd(16)} default: ${def}${cur !== undefined && cur !== '' && cur !== DEFAULTS[k] ? `; now: ${terminalSafe(cur)}` : ''}`));
  }
  say();
  say(
    b('Exit status') +
      ': 0 all checks passed (XFAIL, XPASS, SKIPPED included unless STRICT=1), 1 a check failed, 2 bad usage or scenarios.json, 3 environment (docker, image, a missing or broken artifact, a container that went away, evidence the toolkit could not read: ERROR lines), 130/143 interrupted',
  );
}
