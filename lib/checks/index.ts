/**
 * The registry of check kinds: each kind is one module lib/checks/<kind>.ts exporting its
 * CheckKind (kind.ts), and is listed here once. Everything keyed by kind is derived from this
 * list: the evaluators, the bundle files a readiness poll gathers (gather.ts), the evidence
 * commands (`see:`), the schema's check branches (scenarios.schema.json, written from this list by
 * make plan: lib/plan-schema.ts), the cross-field validation (scenarios.ts), the plan document's wording
 * (plan-markdown.ts) and make bench's log events (overhead.ts).
 * Adding a check to the plan needs no code; adding a kind needs one file and its line in KINDS.
 */
import type { EvidencePaths } from '../evidence/user-lines.ts';
import { userLinesOf } from '../target/registry.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import type { EvalContext, Outcome } from './types.ts';
import { KIND as containerState } from './container-state.ts';
import { KIND as containerNotRunning } from './container-not-running.ts';
import { KIND as containerIpv4 } from './container-ipv4.ts';
import { KIND as ipUsableInPool } from './ip-usable-in-pool.ts';
import { KIND as ipsUnique } from './ips-unique.ts';
import { KIND as ipMatchesLog } from './ip-matches-log.ts';
import { KIND as ipUnchanged } from './ip-unchanged.ts';
import { KIND as noRunningContainers } from './no-running-containers.ts';
import { KIND as deviceJsonPool } from './device-json-pool.ts';
import { KIND as bridgeIpv4 } from './bridge-ipv4.ts';
import { KIND as nftMasquerade } from './nft-masquerade.ts';
import { KIND as nftNatChain } from './nft-nat-chain.ts';
import { KIND as nftRule } from './nft-rule.ts';
import { KIND as iptablesMasquerade } from './iptables-masquerade.ts';
import { KIND as pingLoss } from './ping-loss.ts';
import { KIND as logContains } from './log-contains.ts';
import { KIND as teardownFinished } from './teardown-finished.ts';
import { KIND as logAbsent } from './log-absent.ts';
import { KIND as logOrdered } from './log-ordered.ts';
import { KIND as updateProgress } from './update-progress.ts';
import { KIND as updateLogs } from './update-logs.ts';
import { KIND as runningRevision } from './running-revision.ts';

/** The kinds, in the order of the schema's branches. */
export const KINDS = [
  containerState,
  containerNotRunning,
  containerIpv4,
  ipUsableInPool,
  ipsUnique,
  ipMatchesLog,
  ipUnchanged,
  noRunningContainers,
  deviceJsonPool,
  bridgeIpv4,
  nftMasquerade,
  nftNatChain,
  nftRule,
  iptablesMasquerade,
  pingLoss,
  logContains,
  teardownFinished,
  logAbsent,
  logOrdered,
  updateProgress,
  updateLogs,
  runningRevision,
] as const;

/** A check of scenarios.json: one of the kinds' parameter types, told apart by `kind`. */
export type Check = (typeof KINDS)[number] extends infer K ? K extends CheckKind<infer C> ? C : never : never;

const registry = new Map<string, CheckKind>(KINDS.map((k): [string, CheckKind] => [k.kind, k as CheckKind]));

/** The registered kinds (KINDS, and any a test registered). */
export function checkKinds(): CheckKind[] {
  return [...registry.values()];
}

/** The module of a kind, or undefined for one nobody registered. */
export function kindOf(kind: string): CheckKind | undefined {
  return registry.get(kind);
}

/** Adds a kind for as long as a test needs it; returns what removes it again. */
export function registerKind<C extends CheckBase>(k: CheckKind<C>): () => void {
  if (registry.has(k.kind)) throw new Error(`check kind '${k.kind}' is registered already`);
  registry.set(k.kind, k as unknown as CheckKind);
  return () => {
    registry.delete(k.kind);
  };
}

export type Evaluator = (check: Check, ctx: EvalContext) => Outcome;

/** The evaluator of each kind. */
export const EVALUATORS: Record<string, Evaluator> = Object.fromEntries(KINDS.map((k) => [k.kind, (k as CheckKind).evaluate]));

/** The bundle files one check reads (its kind's files; a ping check's own ping file); none for an unknown kind. */
export function filesOfCheck(check: CheckBase): string[] {
  return kindOf(check.kind)?.files(check) ?? [];
}

/** The steps whose state a check reads: its own, or (ip-unchanged) the two it compares. */
function stepsOfCheck(check: CheckBase, ctx: EvalContext): string[] {
  return kindOf(check.kind)?.steps?.(check, ctx) ?? [ctx.step];
}

/** Why the evidence a check reads cannot be read (bundle.ts StepState.unreadable), or undefined. */
export function unreadableFor(check: CheckBase, ctx: EvalContext): string | undefined {
  const files = filesOfCheck(check);
  const why: string[] = [];
  for (const step of stepsOfCheck(check, ctx)) {
    const state = ctx.steps[step];
    for (const f of files) {
      const reason = state?.unreadable?.[f];
      if (reason) why.push(step === ctx.step ? reason : `${step}: ${reason}`);
    }
  }
  return why.length ? why.join('; ') : undefined;
}

/**
 * Runs one check; an evaluator that throws is reported as a failure, never a crash. A check
 * whose evidence cannot be read is an ERROR quoting it, whatever the evaluator would say.
 */
export function evaluateCheck(check: CheckBase, ctx: EvalContext): Outcome {
  const evaluator = kindOf(check.kind)?.evaluate;
  if (!evaluator) return { pass: false, expected: `a known check kind`, actual: `unknown kind '${check.kind}'` };
  let outcome: Outcome;
  try {
    outcome = evaluator(check, ctx);
  } catch (e) {
    outcome = { pass: false, expected: 'check could be evaluated', actual: `error: ${(e as Error).message}` };
  }
  const unreadable = unreadableFor(check, ctx);
  return unreadable ? { pass: false, error: true, expected: outcome.expected, actual: unreadable } : outcome;
}

/** The commands, one per file the check reads (e.g. lxc-ls and device.json), in order. */
export function evidenceCommands(check: CheckBase, paths: EvidencePaths): string[] {
  const lines = paths.target ?? userLinesOf({ container: paths.container });
  const k = kindOf(check.kind);
  return k ? k.evidence(check, paths, (command) => lines.userLine(command)) : [lines.userLine('sh', { tty: true })];
}

/**
 * The host command showing what `check` judges. Resolve ${VARS} in the check first
 * (resolveStep). An unknown kind gets a shell in the container.
 */
export function evidenceCommand(check: CheckBase, paths: EvidencePaths): string {
  return evidenceCommands(check, paths).join('; ');
}

/** A check's knownIssue in its kind's branch: with the kind's `failure` required (a kind without a vocabulary: any, refused by validatePlan). */
function knownIssueBranch(k: CheckKind): object {
  return k.knownFailure ? { required: ['failure'], properties: { failure: k.knownFailure.schema } } : {};
}

/** The schema's branch of each kind (definitions.check.oneOf of scenarios.schema.json). */
export function checkSchemaBranches(kinds: CheckKind[] = checkKinds()): object[] {
  return kinds.map((k) => ({
    ...(k.schema.description ? { description: k.schema.description } : {}),
    properties: { kind: { const: k.kind }, id: {}, row: {}, hint: {}, realSystem: {}, knownIssue: knownIssueBranch(k), ...k.schema.properties },
    ...(k.schema.required ? { required: k.schema.required } : {}),
    additionalProperties: false,
  }));
}

export type { CheckBase, CheckKind, KnownFailure, KnownIssue } from './kind.ts';
export type { EvalContext, Outcome } from './types.ts';
