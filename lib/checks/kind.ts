/**
 * What a check kind is: one module lib/checks/<kind>.ts exports one CheckKind, and the registry
 * (lib/checks/index.ts) lists them. Every table keyed by kind (evaluators, the bundle files a
 * readiness poll gathers, the evidence commands, the schema's check branches, the cross-field
 * validation, the plan document's wording) is derived from the registry.
 */
import type { EvidencePaths, Exec } from '../evidence/user-lines.ts';
import type { LogPattern } from '../log-match.ts';
import type { PvLog, PvLogLine } from '../parse/pv-log.ts';
import type { EvalContext, Outcome } from './types.ts';

/**
 * A behaviour of today's Pantavisor a check states as wrong; on a scenario, `checks` names the
 * checks it explains. `intermittent`: a race that shows in some runs only, so a pass is a plain
 * PASS (not XPASS, "looks fixed") and a failure XFAIL. What the failure looks like is data:
 * `failure` on a check, `failures` (by check id, one for each of `checks`) on a scenario, in the
 * words of the check's kind (its module's `knownFailure`); a failure that does not match is a FAIL.
 */
export interface KnownIssue {
  summary: string;
  seenIn: string;
  checks?: string[];
  intermittent?: boolean;
  /** on a check: what its failure looks like (its kind's KnownFailure vocabulary) */
  failure?: object;
  /** on a scenario: the failure of each check it names, by check id */
  failures?: Record<string, object>;
  /** the commit or tag that brought it (lib/judge/pv-version.ts): a version without it does not have the issue */
  since?: string;
  /** the commit or tag that fixed it: a version with it does not have the issue */
  fixedIn?: string;
  /**
   * Set only by lib/judge/version-gate.ts (the schema refuses it in scenarios.json): the issue stands
   * for an expectation that exists only since this ref, on a version that predates it. There the
   * expectation itself is absent, so any failure of the named checks is the version's behaviour:
   * the one known issue that describes no failure of its own.
   */
  beforeSince?: string;
}

/**
 * How a kind's known issue says what its failure looks like (knownIssue.failure), e.g. for
 * nft-masquerade `{"count":{"eq":2}}`: its schema, and whether what a failing check saw
 * (Outcome.observed) is that failure. A kind without one cannot carry a known issue.
 */
export interface KnownFailure<F = object, O = unknown> {
  /** the schema of `failure` (a JSON-schema object; #/definitions/... of scenarios.schema.json) */
  schema: object;
  /** whether what the check observed is this failure; observed is undefined when nothing was read */
  matches(failure: F, observed: O | undefined): boolean;
  /** the failure in words, for the FAIL line of a failure that does not match it */
  describe(failure: F): string;
}

/** The fields every check has, whatever its kind. */
export interface CheckBase {
  id: string;
  kind: string;
  row?: string;
  hint?: string;
  realSystem?: string;
  knownIssue?: KnownIssue;
}

/** What cross-field validation sees of the check's step and scenario (scenarios.ts validatePlan). */
export interface ValidationContext {
  scenario: string;
  /** the step's pings, as "FROM TO" */
  pings: Set<string>;
  /** the ids of the scenario's steps */
  stepIds: string[];
}

/** The parameters of a check type: its fields less those every check has. */
export type ParamKeys<C> = Exclude<keyof C, keyof CheckBase>;

/**
 * A JSON-schema object fragment: the kind's own properties (id, kind, row, ... are added).
 * Typed by the kind's check type, so that the schema names every parameter and nothing else.
 */
export interface SchemaFragment<C = CheckBase> {
  /** what the kind holds, in the schema's words (optional) */
  description?: string;
  properties: Record<ParamKeys<C>, object>;
  required?: ParamKeys<C>[];
}

export interface CheckKind<C extends CheckBase = CheckBase> {
  kind: C['kind'];
  /** its parameters in scenarios.json (the schema's branch for this kind is made from it) */
  schema: SchemaFragment<C>;
  /** the bundle files it reads (readiness polls gather only these; unreadable ones make it an ERROR) */
  files(check: C): string[];
  evaluate(check: C, ctx: EvalContext): Outcome;
  /** the host commands that show what it judges (`see:`, the plan's Verify sections) */
  evidence(check: C, paths: EvidencePaths, exec: Exec): string[];
  /** the steps whose state it reads, when not only its own */
  steps?(check: C, ctx: EvalContext): string[];
  /** a cross-field problem scenarios.json has with it, in one line, or undefined */
  validate?(check: C, where: ValidationContext): string | undefined;
  /** the plan document's words for it as a readiness condition (`code` makes a code span) */
  condition?(check: C, code: (s: string) => string): string;
  /** what a known issue of this kind says its failure looks like (none: the kind cannot carry one) */
  // deno-lint-ignore no-explicit-any
  knownFailure?: KnownFailure<any, any>;
  /** the plan's Verify section says "Expected no output" above its command */
  expectsNoOutput?(check: C): boolean;
  /** the log line that marks it reached, and which match of it (1 = first): make bench's target time */
  logEvent?(check: C): { pattern: LogPattern; nth: number } | undefined;
  /**
   * For a kind no single pattern marks (make bench's target time, instead of logEvent): the line
   * after line `afterLine` that marks it reached, the latest one written by `seenAt` (the host
   * uptime the toolkit saw it reached, when known); 'at-once' when it held without waiting
   * (nothing to wait for), undefined when the log does not say.
   */
  eventLine?(check: C, log: PvLog, afterLine: number, seenAt?: number): PvLogLine | 'at-once' | undefined;
}
