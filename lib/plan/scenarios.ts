/**
 * scenarios.json: the plan as data. Parsed, validated against scenarios.schema.json and
 * cross-checked (ids unique, hints exist, pings referenced by checks are declared) before
 * anything runs; a bad file is a UsageError (exit 2) with one line saying what is wrong.
 * Named waits (top-level `waits`, a name in a step's `waitFor`) are resolved here, once: what
 * validatePlan returns has every condition inline and no `waits`, so nothing after it knows them.
 */
import AjvModule from 'ajv';
import { UsageError } from '../tooling/errors.ts';
import { parseJsonBounded } from '../parse/json-bounded.ts';
import type { Capability } from './capabilities.ts';
import { type Check, checkKinds, checkSchemaBranches, kindOf, type KnownIssue } from '../checks/index.ts';
import { regexRisk } from '../log-match.ts';
import { type DerivedArtifact, sourceArtifacts } from '../artifacts/derive.ts';
import { planSchema } from './plan-schema.ts';

export interface Ping {
  from: string;
  to: string;
}

/** A check: one kind's parameters (lib/checks/<kind>.ts), told apart by `kind`. */
export type { Capability, Check, KnownIssue };

/** A step's update (instead of `run`): a new revision installed and run as a user does. */
export interface Update {
  /** the new revision, `locals/<name>` */
  revision: string;
  /** artifacts (built or derived) whose pvrexports the transaction adds */
  add: string[];
  /** parts the transaction removes */
  remove?: string[];
}

export interface Step {
  id: string;
  run?: string;
  update?: Update;
  /** the exit statuses `run` may end with (default [0]); any other is an ERROR of the run */
  allowStatus?: number[];
  /** why allowStatus allows more than 0 (what the real system does) */
  allowStatusWhy?: string;
  waitFor: Check[];
  pings?: Ping[];
  checks: Check[];
}

/**
 * How a device that is already running runs a scenario (scenarios.json `device`, lib/device/form.ts):
 * as an update of its revision; as its TESTING/ROLLBACK form, `replace` standing in for the checks
 * of the same ids; or not (`skip`, why).
 */
export type DeviceForm =
  | { form: 'update' }
  | { form: 'testing-rollback'; why: string; replace: Check[] }
  | { skip: string };

export interface Scenario {
  id: string;
  title: string;
  purpose: string;
  /** plan (default), beyond-plan (a case the plan leaves out) or updates (a running device updated or recovering) */
  section?: 'plan' | 'beyond-plan' | 'updates';
  /** what today's Pantavisor does (beyond-plan scenarios) */
  observed?: string;
  /** expected only since this commit (lib/judge/version-gate.ts): on an older version the failures of its checks (all, or those named) are XFAIL, the known pre-fix behaviour */
  since?: { ref: string; why: string; checks?: string[] };
  knownIssue?: KnownIssue;
  /** capability ids the target must have, else SKIPPED */
  requires?: string[];
  skipEvidence?: string[];
  /** commands run in the container after docker run, before pv-appengine */
  beforeBoot?: string[];
  /** bundle file -> command that gathers it instead of the usual one */
  gather?: Record<string, string>;
  artifacts: string[];
  notes?: string[];
  /** whether and how a device that is already running runs it (lib/device/form.ts; absent: skipped on a device) */
  device?: DeviceForm;
  steps: Step[];
}

export interface Hint {
  symptom: string;
  cause: string;
  fix: string;
}

/** A step's waitFor as scenarios.json states it: a condition, or the name of one of `waits`. */
export type WaitItem = Check | string;

/** scenarios.json as written, before resolveWaits: named waits and steps that name them. */
export interface WrittenPlanFile extends Omit<PlanFile, 'scenarios'> {
  /** name -> the conditions a step's waitFor gets in the name's place */
  waits?: Record<string, Check[]>;
  scenarios: (Omit<Scenario, 'steps'> & { steps: (Omit<Step, 'waitFor'> & { waitFor: WaitItem[] })[] })[];
}

/**
 * The plan with each named wait replaced by a copy of its conditions, and without `waits`. A
 * name `waits` does not hold, and a named wait no step names, are UsageErrors.
 */
export function resolveWaits(written: WrittenPlanFile): PlanFile {
  const { waits = {}, ...rest } = written;
  const used = new Set<string>();
  const scenarios = rest.scenarios.map((s) => ({
    ...s,
    steps: s.steps.map((st) => ({
      ...st,
      waitFor: st.waitFor.flatMap((w): Check[] => {
        if (typeof w !== 'string') return [w];
        if (!Object.hasOwn(waits, w)) {
          throw new UsageError(`scenarios.json: Test ${s.id} step '${st.id}' waits for '${w}', which is not in waits (${Object.keys(waits).join(', ') || 'none'})`);
        }
        used.add(w);
        return structuredClone(waits[w]);
      }),
    })),
  }));
  const unused = Object.keys(waits).find((name) => !used.has(name));
  if (unused !== undefined) throw new UsageError(`scenarios.json: waits '${unused}' is named by no step's waitFor; remove it`);
  return { ...rest, scenarios };
}

export interface PlanFile {
  plan: { title: string; version: string; source?: string; buildTargets?: string[]; notes?: string[] };
  troubleshooting: Record<string, Hint>;
  derivedArtifacts?: Record<string, DerivedArtifact>;
  capabilities?: Record<string, Capability>;
  scenarios: Scenario[];
}

// deno-lint-ignore no-explicit-any
const Ajv: any = (AjvModule as any).default ?? AjvModule;

/** The schema with its check branches made from the registry (the file's own are the same: make plan writes them from it, plan-check checks). */
export function withCheckKinds(schema: object): object {
  const s = schema as { definitions?: { check?: object } };
  if (!s.definitions?.check) return schema;
  return { ...s, definitions: { ...s.definitions, check: { ...s.definitions.check, oneOf: checkSchemaBranches() } } };
}

export function validatePlan(raw: unknown, schema: object): PlanFile {
  const ajv = new Ajv({ allErrors: false, discriminator: true, strict: false });
  ajv.addFormat('regex', (s: string) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  });
  schema = withCheckKinds(schema);
  const validate = ajv.compile(schema);
  if (!validate(raw)) {
    const e = validate.errors[0];
    if (e.keyword === 'discriminator' && e.params?.tag === 'kind') {
      const kinds = checkKinds().map((k) => k.kind).join(', ');
      const value = e.params.tagValue === undefined ? 'no kind' : `unknown check kind '${e.params.tagValue}'`;
      throw new UsageError(`scenarios.json${e.instancePath}: ${value} (kinds: ${kinds})`);
    }
    throw new UsageError(
      `scenarios.json${e.instancePath || ''}: ${e.message}${e.params?.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : ''}${
        e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ''
      }`,
    );
  }
  // every user regex (checks, capabilities' log probes) is bounded: no catastrophic backtracking
  const regexes = (v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => regexes(x, `${path}/${i}`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const risk = k === 'regex' && typeof x === 'string' ? regexRisk(x) : undefined;
        if (risk) throw new UsageError(`scenarios.json${path}/regex: /${x.length > 60 ? `${x.slice(0, 60)}…` : x}/: ${risk}`);
        regexes(x, `${path}/${k}`);
      }
    }
  };
  regexes(raw, '');
  const plan = resolveWaits(raw as WrittenPlanFile);
  const derived = plan.derivedArtifacts ?? {};
  const built = plan.plan.buildTargets;
  for (const [name, d] of Object.entries(derived)) {
    if (derived[d.from]) throw new UsageError(`scenarios.json: derived artifact '${name}' derives from '${d.from}', which is derived too; derive from a built artifact`);
    if (built && !built.includes(d.from)) throw new UsageError(`scenarios.json: derived artifact '${name}' derives from '${d.from}', which is not in plan.buildTargets`);
  }
  for (const s of plan.scenarios) {
    for (const a of [...s.artifacts, ...updateArtifacts(s)]) {
      if (!derived[a] && built && !built.includes(a)) {
        throw new UsageError(`scenarios.json: Test ${s.id} names artifact '${a}', which is neither in plan.buildTargets nor a derived artifact`);
      }
    }
  }
  const seenScenario = new Set<string>();
  const seenCheck = new Set<string>();
  for (const s of plan.scenarios) {
    if (seenScenario.has(s.id)) throw new UsageError(`scenarios.json: scenario id '${s.id}' appears twice`);
    seenScenario.add(s.id);
    const stepIds = new Set<string>();
    for (const step of s.steps) {
      if (stepIds.has(step.id)) throw new UsageError(`scenarios.json: Test ${s.id} has step '${step.id}' twice`);
      stepIds.add(step.id);
      const pings = new Set((step.pings ?? []).map((p) => `${p.from} ${p.to}`));
      for (const c of step.checks) {
        if (seenCheck.has(c.id)) throw new UsageError(`scenarios.json: check id '${c.id}' appears twice`);
        seenCheck.add(c.id);
        if (c.hint !== undefined && !plan.troubleshooting[c.hint]) {
          throw new UsageError(`scenarios.json: check '${c.id}' names hint '${c.hint}', which is not in troubleshooting`);
        }
        const problem = kindOf(c.kind)?.validate?.(c, { scenario: s.id, pings, stepIds: s.steps.map((x) => x.id) });
        if (problem) throw new UsageError(problem);
      }
    }
    for (const st of s.steps) {
      if (st.allowStatus && st.run === undefined) throw new UsageError(`scenarios.json: Test ${s.id} step '${st.id}' has allowStatus but no run`);
    }
    if (s.steps[0].run !== undefined) throw new UsageError(`scenarios.json: Test ${s.id}: the first step is the boot and cannot have 'run'`);
    if (s.steps[0].update !== undefined) throw new UsageError(`scenarios.json: Test ${s.id}: the first step is the boot and cannot have 'update'`);
    const revisions = s.steps.flatMap((st) => (st.update ? [st.update.revision] : []));
    if (new Set(revisions).size < revisions.length) throw new UsageError(`scenarios.json: Test ${s.id} commits a revision twice (${revisions.join(', ')})`);
    for (const c of s.requires ?? []) {
      if (!plan.capabilities?.[c]) throw new UsageError(`scenarios.json: Test ${s.id} requires capability '${c}', which is not in capabilities`);
    }
    const checkIds = new Set(s.steps.flatMap((st) => st.checks.map((c) => c.id)));
    for (const c of s.steps.flatMap((st) => st.checks)) {
      if (c.knownIssue && !kindOf(c.kind)?.knownFailure) throw new UsageError(noVocabulary(`check '${c.id}'`, c.kind));
    }
    if (s.knownIssue) {
      if (!s.knownIssue.checks?.length) throw new UsageError(`scenarios.json: Test ${s.id}'s knownIssue must name the checks it explains (knownIssue.checks); the others must still be able to fail`);
      if (s.knownIssue.failure !== undefined) throw new UsageError(`scenarios.json: Test ${s.id}'s knownIssue has 'failure'; a scenario's says the failure of each check it names in 'failures'`);
      const failures = s.knownIssue.failures ?? {};
      for (const id of Object.keys(failures)) {
        if (!s.knownIssue.checks.includes(id)) throw new UsageError(`scenarios.json: Test ${s.id} knownIssue.failures has '${id}', which knownIssue.checks does not name`);
      }
      for (const id of s.knownIssue.checks) {
        if (!checkIds.has(id)) throw new UsageError(`scenarios.json: Test ${s.id} knownIssue names '${id}', which is not one of its checks`);
        const c = s.steps.flatMap((st) => st.checks).find((x) => x.id === id)!;
        const known = kindOf(c.kind)?.knownFailure;
        if (!known) throw new UsageError(noVocabulary(`Test ${s.id} knownIssue names check '${id}', which`, c.kind));
        if (failures[id] === undefined) throw new UsageError(`scenarios.json: Test ${s.id} knownIssue.failures has no '${id}': say what its failure looks like (lib/checks/${c.kind}.ts)`);
        const check = ajv.compile({ ...known.schema, definitions: (schema as { definitions?: object }).definitions });
        if (!check(failures[id])) {
          const e = check.errors[0];
          throw new UsageError(`scenarios.json: Test ${s.id} knownIssue.failures/${id}${e.instancePath || ''}: ${e.message}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`);
        }
      }
    }
    for (const id of s.skipEvidence ?? []) {
      if (!checkIds.has(id)) throw new UsageError(`scenarios.json: Test ${s.id} skipEvidence names '${id}', which is not one of its checks`);
    }
  }
  // an update step waits for its update's final status first (UPDATE_FINISHED), then for its own conditions
  for (const s of plan.scenarios) {
    for (const st of s.steps) if (st.update && !st.waitFor.some((c) => c.id === UPDATE_FINISHED)) st.waitFor.unshift(updateFinished(st.update.revision));
  }
  return plan;
}

/** The line refusing a known issue on a check whose kind has no failure vocabulary. */
function noVocabulary(what: string, kind: string): string {
  const kinds = checkKinds().filter((k) => k.knownFailure).map((k) => k.kind).join(', ');
  return `scenarios.json: ${what} is a ${kind} check: that kind cannot carry a known issue (no words for its failure; kinds that can: ${kinds})`;
}

/** The id of an update step's first wait condition. */
export const UPDATE_FINISHED = 'update-finished';

/** An update step's first wait: `pvcontrol steps show-progress REVISION` reports a final status (WONTGO too: pantavisor's fourth). */
export function updateFinished(revision: string): Check {
  return { id: UPDATE_FINISHED, kind: 'update-progress', revision, status: ['UPDATED', 'DONE', 'WONTGO', 'ERROR'], complete: true };
}

/** The artifacts a scenario's update steps add (staged on the host, added through `pvtx add -`). */
export function updateArtifacts(s: Scenario): string[] {
  return [...new Set(s.steps.flatMap((st) => st.update?.add ?? []))];
}

/**
 * The plan of scenarios.json's text, validated against the schema lib/plan/plan-schema.ts gives (the
 * one make plan writes to scenarios.schema.json; never that file, which a hand edit or a merge
 * can break), or against `schemaText` when given.
 */
export function parsePlan(text: string, schemaText?: string): PlanFile {
  const parsed = parseJsonBounded(text);
  if ('problem' in parsed) throw new UsageError(`scenarios.json is ${parsed.problem.startsWith('not valid JSON') ? `not valid JSON: ${parsed.problem.slice(16, -1)}` : parsed.problem}`);
  return validatePlan(parsed.value, schemaText === undefined ? planSchema() : JSON.parse(schemaText));
}

export function findScenario(plan: PlanFile, id: string): Scenario {
  const s = plan.scenarios.find((x) => x.id === id);
  if (!s) {
    const known = plan.scenarios.map((x) => x.id).join(', ');
    throw new UsageError(`no Test ${id} in scenarios.json; tests are ${known}`);
  }
  return s;
}

/**
 * The scenarios `test-all` runs: all of them, or those ONLY names ("1 3 collision", spaces or
 * commas), in the order given. An unknown id is a UsageError naming the known ones.
 */
export function selectScenarios(plan: PlanFile, only?: string): Scenario[] {
  const ids = (only ?? '').split(/[\s,]+/).filter(Boolean);
  if (!ids.length) return plan.scenarios;
  return [...new Set(ids)].map((id) => findScenario(plan, id));
}

/** Replaces ${NAME} with vars[NAME]; unknown names are a UsageError. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => {
    if (vars[name] === undefined) throw new UsageError(`scenarios.json uses \${${name}}, which has no value`);
    return vars[name];
  });
}

/** Deep copy of a step with ${VARS} substituted in every string. */
export function resolveStep(step: Step, vars: Record<string, string>): Step {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return substitute(v, vars);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(step) as Step;
}

/** Every artifact the plan needs built (derived ones map to their source). */
export function builtArtifacts(plan: PlanFile): string[] {
  return sourceArtifacts(plan.scenarios.flatMap((s) => s.artifacts), plan.derivedArtifacts ?? {}).sort();
}
