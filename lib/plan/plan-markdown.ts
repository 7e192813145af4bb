/**
 * The test plan as a Markdown document, generated from scenarios.json (`make plan`), in the
 * shape of the plan it automates: title and version, prerequisites, then per test its
 * purpose, Setup, Execute, Verify (the commands a user types to see what each check judges)
 * and Expected Results (one row per check, with the real system's difference next to the
 * plan's wording), the tests beyond the plan, and the troubleshooting table.
 * Pure and deterministic: the same scenarios.json gives the same bytes (no dates).
 */
import { DEFAULTS } from '../tooling/config.ts';
import { describeEdit, sourceArtifacts } from '../artifacts/derive.ts';
import { evidenceCommands, kindOf } from '../checks/index.ts';
import { shellQuote as shq } from '../tooling/shell-quote.ts';
import { describePattern } from '../log-match.ts';
import { hostLine, updateCommands } from '../run/update-step.ts';
import { appengineStartLine } from '../target/docker.ts';
import { userLinesOf } from '../target/registry.ts';
import { builtArtifacts, type Capability, type Check, type KnownIssue, type PlanFile, resolveStep, type Scenario, type Step } from './scenarios.ts';

/** The plan file as the document reads it (every optional field of scenarios.json). */
export type DocPlan = PlanFile;

/** The values the document's commands use: the toolkit's defaults, which are the plan's. */
export interface DocSettings {
  artifacts: string;
  pvtxd: string;
  container: string;
  volume: string;
  image: string;
  dockerRunOpts: string;
  pvtxdMount: string;
  storagePath: string;
  logFile: string;
  deviceJsonFile: string;
  appengineOut: string;
  kas: string;
  kasConfig: string;
  externalHost: string;
  workDir: string;
  bootTimeout: string;
  stepTimeout: string;
}

export function docSettings(d: Record<string, string> = DEFAULTS): DocSettings {
  return {
    artifacts: d.ARTIFACTS,
    pvtxd: d.PVTXD,
    container: d.CONTAINER,
    volume: d.VOLUME,
    image: d.IMAGE,
    dockerRunOpts: d.DOCKER_RUN_OPTS,
    pvtxdMount: d.PVTXD_MOUNT,
    storagePath: d.STORAGE_PATH,
    logFile: d.LOG_FILE,
    deviceJsonFile: d.DEVICE_JSON,
    appengineOut: d.APPENGINE_OUT,
    kas: d.KAS,
    kasConfig: d.KAS_CONFIG,
    externalHost: d.EXTERNAL_HOST,
    workDir: d.WORK_DIR,
    bootTimeout: d.BOOT_TIMEOUT,
    stepTimeout: d.STEP_TIMEOUT,
  };
}

// ---- Markdown text ---------------------------------------------------------------------

/**
 * Prose with its `code spans` kept: outside them, characters Markdown would take as markup
 * (emphasis, HTML, table pipes) are escaped.
 */
export function inline(text: string, inTable = false): string {
  const parts = (text.split('`').length % 2 === 1) ? text.split('`') : [text];
  return parts.map((p, i) => {
    if (i % 2 === 1) return '`' + (inTable ? p.replace(/\|/g, '\\|') : p) + '`';
    let s = p
      .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\')
      .replace(/([*<>])/g, '\\$1')
      .replace(/(^|[^A-Za-z0-9])_|_(?=[^A-Za-z0-9]|$)/g, (m) => m.replace('_', '\\_'))
      .replace(/`/g, '\\`');
    if (inTable) s = s.replace(/\|/g, '\\|');
    return s;
  }).join('').replace(/\s*\n\s*/g, ' ');
}

function code(s: string): string {
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function sh(lines: string[]): string[] {
  return ['```sh', ...lines, '```'];
}

function isNumericId(id: string): boolean {
  return /^[0-9]+$/.test(id);
}

/** "Test 1" or "Test pool-exhaustion". */
export function testName(s: { id: string }): string {
  return `Test ${s.id}`;
}

// ---- the pieces ------------------------------------------------------------------------

/** The built artifact a staged one comes from (a derived one's source, recursively). */
export function sourceArtifact(plan: DocPlan, name: string): string {
  return sourceArtifacts([name], plan.derivedArtifacts ?? {})[0];
}

function isDerived(plan: DocPlan, name: string): boolean {
  return plan.derivedArtifacts?.[name] !== undefined;
}

/** The kas --target list, as `make build` runs it: the plan's own, then what a scenario stages that it lacks, then the image. */
export function buildTargets(plan: DocPlan): string[] {
  const targets = [...new Set([...(plan.plan.buildTargets ?? []), ...builtArtifacts(plan)])];
  if (!targets.includes('pantavisor-appengine')) targets.push('pantavisor-appengine');
  return targets;
}

function dockerRunLines(st: DocSettings): string[] {
  return [
    `docker rm -f ${shq(st.container)} 2>/dev/null; docker volume rm ${shq(st.volume)} 2>/dev/null`,
    `docker run --name ${shq(st.container)} -d ${st.dockerRunOpts} \\`,
    `  -v $(pwd)/${st.pvtxd}:${st.pvtxdMount} \\`,
    `  -v ${shq(st.volume)}:${st.storagePath} \\`,
    `  --entrypoint /bin/sh ${st.image} -c "sleep infinity"`,
  ];
}

function startAppengineLine(st: DocSettings): string {
  return userLinesOf(st).userLine(`sh -c ${shq(appengineStartLine(st.appengineOut))}`);
}

/** A readiness condition in words. */
export function describeCondition(c: Check): string {
  return kindOf(c.kind)?.condition?.(c, code) ?? `${code(c.id)} holds (${c.kind})`;
}

/** The issue, and the failure it excuses in its check kind's words (`failures`: which check, how). */
function knownIssueText(k: KnownIssue, failures: string[]): string {
  const excused = failures.length ? `; it excuses only ${failures.join('; ')}` : '';
  return `**Known issue:** ${inline(k.summary)}${k.seenIn ? ` (seen in ${inline(k.seenIn)})` : ''}${inline(excused)}`;
}

/** A known issue's failure of one check, in its kind's words ("exactly 2 matching rule(s)"). */
function failureText(kind: string, failure: object | undefined): string[] {
  const known = kindOf(kind)?.knownFailure;
  return known && failure !== undefined ? [known.describe(failure)] : [];
}

function capabilityText(plan: DocPlan, id: string): string {
  const c = plan.capabilities?.[id];
  return c ? `${code(id)} (${inline(c.describe)})` : code(id);
}

function probeText(c: Capability): string {
  if ('command' in c.probe) return `${code(c.probe.command)} succeeds in the container`;
  return `pantavisor.log has ${code(describePattern(c.probe.logLine))}`;
}

function setupSection(plan: DocPlan, s: Scenario, st: DocSettings, h: string): string[] {
  const out: string[] = [`${h} Setup`, ''];
  const lines = [`rm -f ${st.pvtxd}/*.pvrexport.tgz`];
  const derived: string[] = [];
  for (const a of s.artifacts) {
    if (isDerived(plan, a)) {
      lines.push(`# derived from ${sourceArtifact(plan, a)} by make stage-${s.id} (scripts/derive.ts; edits below)`);
      lines.push(`cp ${shq(`${st.workDir}/${a}.pvrexport.tgz`)} ${st.pvtxd}/`);
      derived.push(a);
    } else {
      lines.push(`cp ${shq(`${st.artifacts}/${a}.pvrexport.tgz`)} ${st.pvtxd}/`);
    }
  }
  out.push(...sh(lines));
  for (const a of derived) {
    const d = plan.derivedArtifacts?.[a];
    const from = sourceArtifact(plan, a);
    out.push('', `${code(a)} is derived from ${code(from)} by ${code(`make stage-${s.id}`)}${d?.why ? `: ${inline(d.why)}` : '.'}`);
    if (d?.edits?.length) {
      out.push('', 'Edits:', '', ...d.edits.map((e) => `- ${code(describeEdit(e))}`));
    }
  }
  return out;
}

function executeSection(plan: DocPlan, s: Scenario, steps: Step[], st: DocSettings, h: string): string[] {
  const exec = (cmd: string) => userLinesOf(st).userLine(cmd);
  const lines = [...dockerRunLines(st)];
  for (const cmd of s.beforeBoot ?? []) lines.push(exec(`sh -c ${shq(cmd)}`));
  lines.push(startAppengineLine(st));
  const out = [`${h} Execute`, '', ...sh(lines), ''];
  if (s.beforeBoot?.length)
    out.push(
      `${s.beforeBoot.length === 1 ? 'The command before' : 'The commands before'} ${code('pv-appengine')} ${s.beforeBoot.length === 1 ? 'prepares' : 'prepare'} the container for this test.`,
      '',
    );
  steps.forEach((step, i) => {
    if (i > 0) {
      out.push(`Step ${code(step.id)}:`, '');
      if (step.run !== undefined) out.push(...sh([exec(`sh -c ${shq(step.run)}`)]), '');
      if (step.update) {
        const file = (name: string) => `${plan.derivedArtifacts?.[name] ? st.workDir : st.artifacts}/${name}.pvrexport.tgz`;
        out.push(
          `The update: a transaction on the running device, committed as ${code(step.update.revision)} and run (each line one ${code('docker exec')}; the transaction survives between them):`,
          '',
        );
        out.push(...sh(updateCommands(step.update, file).map((c) => hostLine(userLinesOf(st), c))), '');
      }
      if (step.allowStatus)
        out.push(
          `Its exit status may be ${step.allowStatus.join(' or ')}: ${inline(step.allowStatusWhy ?? '')}. Any other status is an ERROR of the run (exit 3) and the step's checks are not judged.`,
          '',
        );
    }
    if (step.waitFor.length) {
      const deadline = i === 0 || step.update ? `BOOT_TIMEOUT, ${st.bootTimeout} s` : `STEP_TIMEOUT, ${st.stepTimeout} s`;
      const what = i === 0 ? `Instead of a fixed ${code('sleep')}, the toolkit polls` : 'The toolkit polls';
      out.push(`${what} (up to ${deadline}) until:`, '', ...step.waitFor.map((w) => `- ${describeCondition(w)}`), '');
    }
  });
  return out;
}

function verifySection(s: Scenario, steps: Step[], st: DocSettings, h: string): string[] {
  const out = [`${h} Verify`, ''];
  const paths = { container: st.container, logFile: st.logFile, deviceJsonFile: st.deviceJsonFile, gather: s.gather };
  steps.forEach((step) => {
    if (steps.length > 1) out.push(`After step ${code(step.id)}:`, '');
    // one command per distinct evidence, with the plan rows it shows, in first-use order
    const byCommand = new Map<string, string[]>();
    for (const c of step.checks) {
      const absent = kindOf(c.kind)?.expectsNoOutput?.(c) ?? false;
      const row = `# Expected${absent ? ' no output' : ''}: ${c.row ?? c.id}`;
      for (const cmd of evidenceCommands(c, paths)) {
        const rows = byCommand.get(cmd) ?? [];
        if (!rows.includes(row)) rows.push(row);
        byCommand.set(cmd, rows);
      }
    }
    const lines: string[] = [];
    for (const [cmd, rows] of byCommand) {
      if (lines.length) lines.push('');
      lines.push(...rows, cmd);
    }
    if (lines.length) out.push(...sh(lines), '');
  });
  return out;
}

function resultsSection(s: Scenario, steps: Step[], h: string): string[] {
  const multi = steps.length > 1;
  const beyond = (s.section ?? 'plan') !== 'plan';
  const head = [...(multi ? ['Step'] : []), 'Check', beyond ? 'Expected' : 'Expected (the plan)', beyond ? 'Notes' : 'Real system (where the toolkit differs from the plan)'];
  const rows = steps.flatMap((step) =>
    step.checks.map((c) => {
      const notes = [c.realSystem ? inline(c.realSystem, true) : '', c.knownIssue ? knownIssueText(c.knownIssue, failureText(c.kind, c.knownIssue.failure)).replace(/\|/g, '\\|') : ''].filter(Boolean)
        .join(' ');
      return [...(multi ? [code(step.id)] : []), code(c.id), inline(c.row ?? '', true), notes];
    })
  );
  return [`${h} Expected Results`, '', ...table(head, rows), ''];
}

function scenarioSection(plan: DocPlan, s: Scenario, st: DocSettings, level: number): string[] {
  const h = '#'.repeat(level);
  const steps = s.steps.map((step) => resolveStep(step, { EXTERNAL_HOST: st.externalHost }) as Step);
  const out: string[] = [`${h} ${testName(s)}: ${inline(s.title)}`, ''];
  out.push(`**Purpose:** ${inline(s.purpose)}`, '');
  out.push(`Run it: ${code(`make test-${s.id}`)} (stage, up, verify, down) or ${code(`deno task test-${s.id}`)}.`, '');
  if (s.observed) out.push(`**What today's Pantavisor does:** ${inline(s.observed)}`, '');
  if (s.knownIssue) {
    const checks = s.steps.flatMap((st) => st.checks);
    const failures = (s.knownIssue.checks ?? []).flatMap((id) => failureText(checks.find((c) => c.id === id)?.kind ?? '', s.knownIssue?.failures?.[id]).map((f) => `${id}: ${f}`));
    out.push(knownIssueText(s.knownIssue, failures), '');
  }
  if (s.requires?.length) {
    const quoted = s.skipEvidence?.length ? `, quoting ${s.skipEvidence.map(code).join(', ')} as the evidence` : '';
    out.push(`**Requires:** ${s.requires.map((r) => capabilityText(plan, r)).join('; ')}. Without it the test is SKIPPED${quoted} (FAILED when REQUIRE names it).`, '');
  }
  if (s.notes?.length) out.push(...s.notes.map((n) => `- ${inline(n)}`), '');
  out.push(...setupSection(plan, s, st, `${h}#`), '');
  out.push(...executeSection(plan, s, steps, st, `${h}#`));
  out.push(...verifySection(s, steps, st, `${h}#`));
  out.push(...resultsSection(s, steps, `${h}#`));
  return out;
}

/** The whole document. */
export function planMarkdown(plan: DocPlan, st: DocSettings = docSettings()): string {
  const p = plan.plan;
  const inPlan = plan.scenarios.filter((s) => (s.section ?? 'plan') === 'plan');
  const beyond = plan.scenarios.filter((s) => s.section === 'beyond-plan');
  const updates = plan.scenarios.filter((s) => s.section === 'updates');
  const out: string[] = [
    '<!-- Generated from scenarios.json by `make plan` (scripts/plan.ts). Edit scenarios.json, then run make plan. -->',
    '',
    `# ${inline(p.title)}`,
    '',
    `Version: ${inline(p.version)}${p.source ? ` (${inline(p.source)})` : ''}`,
    '',
    "The plan as pv-ipam-tests runs it. Each test's Verify commands show what its checks judge;",
    "each row of its Expected Results is one check, with the plan's wording and, where the real",
    'system differs from it, what the check follows instead.',
    '',
    ...table(
      ['Test', 'Title', 'Run'],
      plan.scenarios.map((s) => [
        isNumericId(s.id) ? s.id : code(s.id),
        `${inline(s.title, true)}${s.section === 'beyond-plan' ? ' (beyond the plan)' : s.section === 'updates' ? ' (updates and recovery)' : ''}`,
        code(`make test-${s.id}`),
      ]),
    ),
    '',
    '## Prerequisites',
    '',
    '### Build Appengine Image and Test Containers',
    '',
    ...sh([
      `${st.kas} build ${st.kasConfig} \\`,
      ...buildTargets(plan).map((t, i, all) => `  --target ${t}${i < all.length - 1 ? ' \\' : ''}`),
      '',
      `docker load < ${st.artifacts}/pantavisor-appengine-docker.tar`,
    ]),
    '',
    `${code('make build')} runs the build (${code('make build DRY_RUN=1')} prints it) and ${code('make load')} loads the image.`,
    '',
    '### Common Setup',
    '',
    ...sh([`docker rm -f ${shq(st.container)} 2>/dev/null`, `docker volume rm ${shq(st.volume)} 2>/dev/null`, `mkdir -p ${st.pvtxd}`]),
    '',
    '### Common Teardown',
    '',
    ...sh([`docker rm -f ${shq(st.container)}`, `docker volume rm ${shq(st.volume)}`]),
    '',
    `${code('make down')} does this, and only for a container and volume the toolkit created.`,
    '',
  ];
  if (p.notes?.length) out.push('### Notes', '', ...p.notes.map((n) => `- ${inline(n)}`), '');
  const caps = Object.entries(plan.capabilities ?? {});
  if (caps.length) {
    out.push('### Capabilities', '', 'What some tests need from the appengine image, and how the toolkit finds out:', '');
    out.push(
      ...table(
        ['Capability', 'What', 'Probe', 'When absent'],
        caps.map(([id, c]) => [code(id), inline(c.describe, true), probeText(c).replace(/\|/g, '\\|'), c.absent ? inline(c.absent, true) : 'the test is SKIPPED']),
      ),
      '',
    );
  }
  for (const s of inPlan) out.push(...scenarioSection(plan, s, st, 2));
  if (beyond.length) {
    out.push('## Beyond the plan', '', "Tests the toolkit runs that the plan does not have. Each says what today's Pantavisor does.", '');
    for (const s of beyond) out.push(...scenarioSection(plan, s, st, 3));
  }
  if (updates.length) {
    out.push(
      '## Updates and auto-recovery',
      '',
      'A device that is running and being updated (pvtx, pvcontrol), or recovering a crashed container by its auto_recovery policy: the plan\'s rollback branch (Tests 7 and 8 in TESTING) and its Test 6 "future expansion". Each says what today\'s Pantavisor does.',
      '',
    );
    for (const s of updates) out.push(...scenarioSection(plan, s, st, 3));
  }
  out.push('## Troubleshooting', '');
  out.push(...table(['Symptom', 'Cause', 'Fix'], Object.values(plan.troubleshooting).map((t) => [inline(t.symptom, true), inline(t.cause, true), inline(t.fix, true)])), '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n');
}
