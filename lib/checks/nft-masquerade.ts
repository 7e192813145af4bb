/**
 * kind "nft-masquerade": how many masquerade rules in `nft list ruleset` apply to the given
 * pool subnet (judged on addresses: a bare `masquerade`, a wider prefix, a set or a range
 * holding the pool, `ip saddr != <another>` all apply; lib/source-match.ts) and/or read
 * `oifname != <bridge>` (optionally within one table/chain). count {eq: 0} asserts there is none.
 * A rule covering only part of the pool fails the check; one whose source match the toolkit
 * does not understand makes it an ERROR, quoted.
 * A known issue's failure: `{"count": COUNT}`, how many matching rules its failure leaves (e.g.
 * `{"count":{"eq":2}}`: one more identical rule); no rule, no ruleset or a rule covering only
 * part of the pool is not that failure.
 */
import { FILES } from '../bundle/bundle.ts';
import { nftRuleset } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind, KnownFailure } from './kind.ts';
import { type Count, countSatisfied, describeCount } from '../log-match.ts';
import { findMasqueradeRules } from '../parse/nft.ts';
import { rulesForPool } from '../source-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface NftMasqueradeCheck extends CheckBase {
  kind: 'nft-masquerade';
  table?: string;
  chain?: string;
  subnet?: string;
  notOutputInterface?: string;
  count: Count;
}

/** knownIssue.failure of an nft-masquerade check: how many matching rules the failure leaves. */
export interface NftMasqueradeFailure {
  count: Count;
}

/** What the check saw: the matching rules, and those covering only part of the pool. */
export interface NftMasqueradeObserved {
  matching: number;
  partial: number;
}

export const NFT_MASQUERADE_FAILURE: KnownFailure<NftMasqueradeFailure, NftMasqueradeObserved> = {
  schema: { type: 'object', additionalProperties: false, required: ['count'], properties: { count: { $ref: '#/definitions/count' } } },
  matches: (f, o) => o !== undefined && o.partial === 0 && countSatisfied(o.matching, f.count),
  describe: (f) => `${describeCount(f.count)} matching rule(s)`,
};

export function nftMasquerade(check: NftMasqueradeCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const all = findMasqueradeRules(state.nft);
  const inScope = all.filter((r) =>
    (check.table === undefined || r.table === check.table) &&
    (check.chain === undefined || r.chain === check.chain) &&
    (check.notOutputInterface === undefined || r.oifnameNot === check.notOutputInterface)
  );
  const subnet = check.subnet;
  const { matching, partial, unknown } = rulesForPool(inScope, subnet);
  const what = [
    subnet ? `applying to ${subnet}` : undefined,
    check.notOutputInterface ? `oifname != "${check.notOutputInterface}"` : undefined,
  ].filter(Boolean).join(' ');
  const where = check.table ? ` in ${check.table}${check.chain ? `/${check.chain}` : ''}` : '';
  const count = check.count;
  const expected = `${describeCount(count)} masquerade rule(s) ${what}${where}`;
  const shown = (rs: typeof all) => rs.map((r) => `${r.table}/${r.chain}: ${r.raw}`).join(' | ');
  if (state.missing.includes('nft-ruleset.txt')) return { pass: false, expected, actual: 'nft-ruleset.txt missing' };
  if (unknown.length) return { pass: false, error: true, expected, actual: `a masquerade rule whose source match is not understood: ${shown(unknown)}` };
  const pass = countSatisfied(matching.length, count) && partial.length === 0;
  return {
    pass,
    ...(!pass ? { observed: { matching: matching.length, partial: partial.length } satisfies NftMasqueradeObserved } : {}),
    expected,
    actual: `${matching.length} matching${partial.length ? ` (${partial.length} covering only part of ${subnet}: ${shown(partial)})` : ''}; all masquerade rules: ${shown(all) || 'none'}`,
  };
}

export const KIND: CheckKind<NftMasqueradeCheck> = {
  kind: 'nft-masquerade',
  schema: {
    properties: { table: { type: 'string' }, chain: { type: 'string' }, subnet: { type: 'string' }, notOutputInterface: { type: 'string' }, count: { $ref: '#/definitions/count' } },
    required: ['count'],
  },
  files: () => [FILES.nft],
  evaluate: nftMasquerade,
  evidence: nftRuleset,
  knownFailure: NFT_MASQUERADE_FAILURE,
  expectsNoOutput: (c) => c.count?.eq === 0,
};
