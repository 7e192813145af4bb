/**
 * The toolkit's pure API in one module: what the single file (make dist) exports to a script of
 * one's own, beside the engine's functions (scripts/dist/entry.ts). Whole modules are re-exported,
 * so a function added to one of them is exported too; a name two modules export is picked here.
 */
// IP math
export * from './ip.ts';
// the parsers of what the appengine prints
export * from './parse/lxc-ls.ts';
export * from './parse/ip-addr.ts';
export * from './parse/nft.ts';
export * from './parse/nft-ruleset.ts';
export * from './parse/nft-json.ts';
export * from './parse/iptables.ts';
export * from './parse/ping.ts';
export * from './parse/pv-log.ts';
export * from './parse/pv-progress.ts';
export * from './parse/lines.ts';
// the log matchers
export * from './log-match.ts';
// the check kinds and their evaluation
export * from './checks/index.ts';
export type { CheckBase, CheckKind, KnownIssue } from './checks/kind.ts';
export * from './judge/evaluate.ts';
export * from './judge/verdict.ts';
// the plan (scenarios.json) and a bundle's files
export * from './plan/scenarios.ts';
export * from './bundle/bundle.ts';
// both name a function unreadableEvidence: the bundle's files (by file), the results' error line
export { unreadableEvidence as unreadableFiles } from './bundle/bundle.ts';
export { unreadableEvidence } from './judge/verdict.ts';
// the variables (configuration) and errors with their exit codes
export * from './tooling/config.ts';
export * from './tooling/errors.ts';
// the report renderers
export * from './report/model.ts';
export * from './report/console.ts';
export { fromJson, toJson } from './report/json.ts';
export { type JunitCounts, junitTotals, suiteCounts, toJunit } from './report/junit.ts';
export { FORMATS } from './report/formats.gen.ts';
