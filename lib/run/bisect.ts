/**
 * make bisect PANTAVISOR_SRC=DIR GOOD=<rev> BAD=<rev> ONLY=<test> [PV_SOURCES=DIR]
 * git bisect over a private clone of DIR (git clone --shared --no-checkout into a temporary
 * directory: the user's checkout, its HEAD, index and refs are only read), each step built with
 * the dev build (dev/build-image.sh, DEV_TAG_LATEST=0: image <DEV_IMAGE>:<commit>, :latest and
 * dev/out/preset.env untouched) and Test ONLY run on that image (TARGET=dev IMAGE=...:<commit>).
 * A step that does not build, boot or run is `git bisect skip` and shown as SKIPPED. GOOD and BAD
 * in either order: BAD older asks which commit fixed it (the first where the test passes).
 * The GOOD end runs first (it must pass; its checks are what the answer is compared with).
 * Reports: REPORT_DIR/<stamp>-bisect-<test>/NN-<commit>/ per step, and bisect.json + bisect.txt.
 * Exit: 0 found; 1 the GOOD end does not pass; 2 bad input (nothing started); 3 environment, or
 * only skipped commits left (the candidates named); 130/143 interrupted (the clone removed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type Direction, onlyOneTest, question, stepLine, type StepOutcome, stepOutcome, type StepRecord } from '../tooling/bisect.ts';
import { bisectLoop, cloneFor, git, type Judged } from './bisect-git.ts';
import { EnvironmentError, Interrupted, UsageError } from '../tooling/errors.ts';
import { fromJson } from '../report/json.ts';
import type { ScenarioReport } from '../report/model.ts';
import { findScenario } from '../plan/scenarios.ts';
import { config, loadPlan, ROOT } from './inputs.ts';
import { colors, say } from './output.ts';
import { stamp } from './cli.ts';
import { bootHooks } from './exec.ts';
import { imageLabel } from '../target/docker.ts';
import { onInterrupt } from './interrupt.ts';
import { preflightArtifacts } from './stage.ts';

/** The commit a rev names in the user's tree (read only), or a UsageError. */
function resolveRev(src: string, name: string, rev: string | undefined): string {
  if (!rev) throw new UsageError(`${name} is not set: make bisect needs GOOD=<rev> BAD=<rev> (commits, tags or branches of PANTAVISOR_SRC)`);
  const r = git(src, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  if (r.status !== 0) throw new UsageError(`${name}=${JSON.stringify(rev)} is not a commit of ${src}`);
  return r.stdout.trim();
}

export interface BisectInput {
  src: string;
  good: string;
  bad: string;
  test: string;
  direction: Direction;
  pvSources: string;
}

/** Every input checked before anything starts: one line, exit 2. */
export function bisectInput(env: Record<string, string | undefined>): BisectInput {
  let test: string;
  try {
    test = onlyOneTest(env.ONLY);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  findScenario(loadPlan(), test);
  if (env.TARGET && env.TARGET !== 'dev') throw new UsageError(`make bisect builds and runs the dev appengine (TARGET=dev), not TARGET=${env.TARGET}`);
  const src = env.PANTAVISOR_SRC;
  if (!src) throw new UsageError('PANTAVISOR_SRC is not set: make bisect needs the pantavisor git checkout to bisect (PANTAVISOR_SRC=DIR)');
  if (!existsSync(src) || !statSync(src).isDirectory()) throw new UsageError(`PANTAVISOR_SRC is not a directory: ${JSON.stringify(src)}`);
  if (git(src, ['rev-parse', '--git-dir']).status !== 0) throw new UsageError(`PANTAVISOR_SRC is not a git tree: ${JSON.stringify(src)} (bisect needs its history)`);
  const good = resolveRev(src, 'GOOD', env.GOOD);
  const bad = resolveRev(src, 'BAD', env.BAD);
  if (good === bad) throw new UsageError(`GOOD and BAD are the same commit (${good.slice(0, 12)})`);
  const isAncestor = (a: string, b: string) => git(src, ['merge-base', '--is-ancestor', a, b]).status === 0;
  const direction: Direction | undefined = isAncestor(good, bad) ? 'regression' : isAncestor(bad, good) ? 'fix' : undefined;
  if (!direction) throw new UsageError(`GOOD ${good.slice(0, 12)} and BAD ${bad.slice(0, 12)} are not one the ancestor of the other (bisect needs one line of history)`);
  const pvSources = env.PV_SOURCES;
  if (!pvSources) throw new UsageError('PV_SOURCES is not set (the dependency sources of the dev build, e.g. PV_SOURCES=/path/to/pantavisor-sources)');
  if (!existsSync(pvSources) || !statSync(pvSources).isDirectory()) throw new UsageError(`PV_SOURCES is not a directory: ${JSON.stringify(pvSources)}`);
  return { src, good, bad, test, direction, pvSources };
}

/** Runs a child with its output in a file; resolves with its exit status; an abort sends it SIGINT. */
function runLogged(cmd: string, args: string[], env: Record<string, string | undefined>, log: string, signal: AbortSignal, track: (c?: ChildProcess) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = openSync(log, 'w');
    // its own process group: an interrupt reaches the whole build (cmake, gcc) or test (make and
    // the test script, which tears its container down), not only the process started here
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', fd, fd], detached: true });
    track(child);
    const onAbort = () => {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // already gone
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      closeSync(fd);
      reject(e);
    });
    child.on('close', (code, sig) => {
      closeSync(fd);
      track(undefined);
      signal.removeEventListener('abort', onAbort);
      resolve(code ?? (sig === 'SIGINT' ? 130 : 143));
    });
  });
}

function lastLine(file: string): string {
  const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? '(no output)';
}

/** The report.json a test run wrote somewhere under dir (one level of run directories). */
function findReport(dir: string): ScenarioReport | undefined {
  for (const d of readdirSync(dir)) {
    const f = `${dir}/${d}/report.json`;
    if (existsSync(f)) return fromJson(readFileSync(f, 'utf8'), f).scenarios[0];
  }
  return undefined;
}

export async function runBisect(input: BisectInput): Promise<number> {
  process.env.TARGET = 'dev';
  const cfg = config();
  const plan = loadPlan();
  const scenario = findScenario(plan, input.test);
  await bootHooks(cfg, 'bisect').boot.requireHost();
  await preflightArtifacts(cfg, plan, [scenario]);
  const imageRepo = process.env.DEV_IMAGE || 'pantavisor-appengine-dev';
  const outDir = `${cfg.reportDir}/${stamp()}-bisect-${input.test}`;
  mkdirSync(outDir, { recursive: true });
  const clone = mkdtempSync(`${tmpdir()}/pv-bisect-`);
  let child: ChildProcess | undefined;
  const interrupt = onInterrupt(async () => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    rmSync(clone, { recursive: true, force: true });
  });
  const t0 = Date.now();
  const [older, newer] = input.direction === 'regression' ? [input.good, input.bad] : [input.bad, input.good];
  let n = 0;

  /** Builds and tests the commit checked out in the clone. */
  const runStep = async (commit: string, subject: string, role: string): Promise<Judged> => {
    if (interrupt.signal.aborted) throw new Interrupted();
    n += 1;
    const dir = `${outDir}/${String(n).padStart(2, '0')}-${commit.slice(0, 8)}`;
    mkdirSync(dir, { recursive: true });
    say(`${colors.bold(`step ${n}`)} ${commit.slice(0, 8)} ${subject}${role === 'step' ? '' : ` (${role})`}`);
    const tb = Date.now();
    const buildEnv = { ...process.env, PANTAVISOR_SRC: clone, PV_SOURCES: input.pvSources, DEV_TAG_LATEST: '0', DEV_IMAGE: imageRepo };
    const bs = await runLogged('bash', [`${ROOT}/dev/build-image.sh`], buildEnv, `${dir}/build.log`, interrupt.signal, (c) => (child = c));
    if (interrupt.signal.aborted) throw new Interrupted();
    const buildSecs = (Date.now() - tb) / 1000;
    if (bs === 2) throw new UsageError(`the dev build refused its input at ${commit.slice(0, 8)}: ${lastLine(`${dir}/build.log`)}`);
    let outcome: StepOutcome;
    let report: ScenarioReport | undefined;
    let testSecs = 0;
    if (bs !== 0) {
      outcome = stepOutcome({ ok: false, line: `${lastLine(`${dir}/build.log`)} (exit ${bs}; ${dir}/build.log)` }, undefined);
    } else {
      const image = `${imageRepo}:${commit.slice(0, 8)}`;
      const label = await imageLabel(image, 'pv-ipam-tests.dev.description');
      const tt = Date.now();
      // no MAKEFLAGS: a variable given to `make bisect` on its command line would override these in the inner make
      const { MAKEFLAGS: _f, MAKEOVERRIDES: _o, MFLAGS: _m, ...outer } = process.env;
      const testEnv = { ...outer, TARGET: 'dev', IMAGE: image, TARGET_LABEL: label || image, REPORT_DIR: dir, KEEP: '' };
      const ts = await runLogged('make', ['-s', '--no-print-directory', `test-${input.test}`], testEnv, `${dir}/test.log`, interrupt.signal, (c) => (child = c));
      if (interrupt.signal.aborted) throw new Interrupted();
      testSecs = (Date.now() - tt) / 1000;
      report = findReport(dir);
      outcome = report ? stepOutcome({ ok: true }, report) : { kind: 'skip', why: `the test wrote no report (exit ${ts}): ${lastLine(`${dir}/test.log`)}` };
    }
    return { n, commit, subject, role, outcome, mark: '-', buildSecs, testSecs, dir, report };
  };
  const show = (s: StepRecord) => {
    const paint = s.outcome.kind === 'pass' ? colors.green : s.outcome.kind === 'fail' ? colors.red : colors.yellow;
    say(
      `  ${paint(s.outcome.kind === 'skip' ? 'SKIPPED' : s.outcome.kind.toUpperCase())} ${s.outcome.why}  ${
        colors.dim(`(build ${s.buildSecs.toFixed(0)} s, test ${s.testSecs.toFixed(0)} s${s.mark === '-' ? '' : `; git bisect ${s.mark}`})`)
      }`,
    );
  };

  try {
    say(colors.bold(`bisect: ${question(input.direction, input.test)}, over ${older.slice(0, 12)}..${newer.slice(0, 12)} of ${input.src}`));
    say(colors.dim(`  private clone ${clone} (git clone --shared --no-checkout: ${input.src} is only read); reports in ${outDir}`));
    cloneFor(input.src, clone);
    say(colors.dim(`  ${git(clone, ['rev-list', '--count', `${older}..${newer}`]).stdout.trim()} commits after the older end`));
    const result = await bisectLoop(input, clone, runStep, show);
    const took = ((Date.now() - t0) / 1000).toFixed(0);
    const steps = result.steps;
    if (result.kind === 'good-end-unjudged')
      throw new EnvironmentError(`the GOOD end ${input.good.slice(0, 8)} could not be judged (${steps[0].outcome.why}): nothing to bisect against; reports in ${outDir}`);
    let code = 0;
    const lines: string[] = ['', colors.bold(`bisect of Test ${input.test}: ${question(input.direction, input.test)}`), ...steps.map(stepLine), ''];
    if (result.kind === 'good-end-fails') {
      code = 1;
      lines.push(colors.red(`Test ${input.test} does not pass at GOOD ${input.good.slice(0, 8)} (${steps[0].outcome.why}): nothing to bisect`));
    } else if (result.kind === 'found') {
      lines.push(
        colors.bold(`${input.direction === 'regression' ? 'first commit where it fails' : 'first commit where it passes'}: ${result.found.slice(0, 12)} ${result.subject}`),
        `checks whose verdict differs from ${result.against === input.good ? 'the GOOD end' : result.against === input.bad ? 'the BAD end' : 'the last failing step'} ${result.against.slice(0, 8)}:${
          result.flips.length ? '' : ' none'
        }`,
        ...result.flips.map((f) => `  ${f.step}/${f.id}: ${f.from} -> ${f.to}`),
      );
    } else {
      code = 3;
      lines.push(colors.yellow(`only skipped commits are left: the commit is one of ${result.candidates.map((c) => `${c.commit.slice(0, 12)} ${c.subject}`).join('; ')}`));
    }
    const skipped = steps.filter((s) => s.outcome.kind === 'skip').length;
    lines.push(`${steps.length} steps (${skipped} skipped) in ${took} s; each step's build.log, test.log and report in ${outDir}`);
    for (const l of lines) say(l);
    writeFileSync(`${outDir}/bisect.txt`, lines.join('\n').replace(/\x1b\[[0-9;]*m/g, '') + '\n');
    const record = {
      test: input.test,
      direction: input.direction,
      good: input.good,
      bad: input.bad,
      result: result.kind,
      seconds: Number(took),
      ...result,
      steps: steps.map(({ report: _r, ...s }) => s),
    };
    writeFileSync(`${outDir}/bisect.json`, JSON.stringify(record, null, 2) + '\n');
    return code;
  } catch (e) {
    if (e instanceof Interrupted || interrupt.signal.aborted) return interrupt.code() || 130;
    throw e;
  } finally {
    // the clone and its bisect state; nothing of the user's tree was written
    rmSync(clone, { recursive: true, force: true });
  }
}
