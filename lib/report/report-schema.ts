/**
 * The shape a report.json read back must have (for `make rerun` and `make junit-merge`): every
 * field the renderers and rerun read, with its type. The first field that is not of its shape is
 * named (`scenarios[3].checks[0].actual: not a string`), so a file of the right `tool` but
 * another shape is one line, exit 2, never a crash further on. Pure.
 */
import { isJsonObject } from '../parse/json-bounded.ts';

export type Shape = (v: unknown, at: string) => string | undefined;

const str: Shape = (v, at) => (typeof v === 'string' ? undefined : `${at}: not a string`);
const bool: Shape = (v, at) => (typeof v === 'boolean' ? undefined : `${at}: not true or false`);
const count: Shape = (v, at) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : `${at}: not a number of 0 or more`);
const int: Shape = (v, at) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255 ? undefined : `${at}: not an exit status (0 to 255)`);
const oneOf = (...values: string[]): Shape => (v, at) => (typeof v === 'string' && values.includes(v) ? undefined : `${at}: not one of ${values.join(', ')}`);
const optional = (s: Shape): Shape => (v, at) => (v === undefined ? undefined : s(v, at));
const arrayOf = (s: Shape): Shape => (v, at) => {
  if (!Array.isArray(v)) return `${at}: not an array`;
  for (const [i, x] of v.entries()) {
    const p = s(x, `${at}[${i}]`);
    if (p) return p;
  }
  return undefined;
};
export const recordOf = (s: Shape): Shape => (v, at) => {
  if (!isJsonObject(v)) return `${at}: not an object`;
  for (const [k, x] of Object.entries(v)) {
    const p = s(x, `${at}.${k}`);
    if (p) return p;
  }
  return undefined;
};
/** An object with these fields (others are allowed: a newer report may add some). */
export const objectOf = (fields: Record<string, Shape>): Shape => (v, at) => {
  if (!isJsonObject(v)) return `${at}: not an object`;
  for (const [k, s] of Object.entries(fields)) {
    const p = s(v[k], at ? `${at}.${k}` : k);
    if (p) return p;
  }
  return undefined;
};

const SCENARIO_ID = /^[a-z0-9][a-z0-9-]*$/;
const id: Shape = (v, at) => (typeof v === 'string' && SCENARIO_ID.test(v) ? undefined : `${at}: not a test id`);
const knownIssue = objectOf({ summary: str, seenIn: str });
const hint = objectOf({ symptom: str, cause: str, fix: str });

const check = objectOf({
  id: str,
  step: str,
  kind: str,
  row: optional(str),
  pass: bool,
  expected: str,
  actual: str,
  status: optional(oneOf('pass', 'fail', 'xfail', 'xpass', 'error', 'unjudged')),
  notJudged: optional(str),
  knownIssue: optional(knownIssue),
  hint: optional(hint),
  realSystem: optional(str),
  evidence: optional(str),
});

const scenario = objectOf({
  id,
  title: str,
  status: oneOf('passed', 'failed', 'xfail', 'xpass', 'skipped', 'error'),
  error: optional(str),
  knownIssue: optional(knownIssue),
  skip: optional(objectOf({ capability: str, reason: str, evidence: arrayOf(check) })),
  device: optional(objectOf({ revision: str, baseline: str, form: oneOf('update', 'testing-rollback'), note: optional(str) })),
  durationMs: count,
  bundle: optional(str),
  timings: optional(recordOf(count)),
  checks: arrayOf(check),
});

const report = objectOf({
  tool: oneOf('pv-ipam-tests'),
  mode: oneOf('live', 'snapshot'),
  target: objectOf({ name: str, label: str }),
  snapshot: optional(str),
  startedAt: str,
  finishedAt: str,
  exitCode: int,
  strict: optional(bool),
  require: optional(arrayOf(str)),
  scenarios: arrayOf(scenario),
});

/** The building blocks, for other input files' shapes (lib/bundle/bundle-meta.ts). */
export const shapes = { str, bool, count, oneOf, arrayOf };
export const optionalOf = optional;

/** Why `v` is not a report.json of this toolkit (the first field of another shape), or undefined. */
export function reportShapeProblem(v: unknown): string | undefined {
  return report(v, '');
}
