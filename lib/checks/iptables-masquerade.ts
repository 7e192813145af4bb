/**
 * kind "iptables-masquerade": how many MASQUERADE rules `iptables -t nat -S` (bundle file
 * iptables-nat.txt) lists that apply to the given pool subnet (judged on addresses, as
 * nft-masquerade: no -s at all, a wider -s, `! -s <another>`, an iprange holding the pool) and/or
 * read `! -o <bridge>`. A rule covering only part of the pool fails; one not understood is an ERROR.
 */
import { OPTIONAL_FILES } from '../bundle/bundle.ts';
import { IPTABLES_NAT } from '../evidence/iptables.ts';
import { showSource } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { type Count, countSatisfied, describeCount } from '../log-match.ts';
import { rulesForPool } from '../source-match.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface IptablesMasqueradeCheck extends CheckBase {
  kind: 'iptables-masquerade';
  chain?: string;
  subnet?: string;
  notOutputInterface?: string;
  count: Count;
}

export function iptablesMasquerade(check: IptablesMasqueradeCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const all = state.iptables.filter((r) => r.target === 'MASQUERADE');
  const inScope = all.filter((r) =>
    (check.chain === undefined || r.chain === check.chain) &&
    (check.notOutputInterface === undefined || r.outNot === check.notOutputInterface)
  );
  const subnet = check.subnet;
  const { matching, partial, unknown } = rulesForPool(inScope, subnet);
  const what = [check.chain ? `-A ${check.chain}` : undefined, subnet ? `applying to ${subnet}` : undefined, check.notOutputInterface ? `! -o ${check.notOutputInterface}` : undefined].filter(Boolean)
    .join(' ');
  const count = check.count;
  const expected = `${describeCount(count)} MASQUERADE rule(s) ${what}`.trimEnd();
  if (state.files['iptables-nat.txt'] === undefined) return { pass: false, expected, actual: 'iptables-nat.txt missing (no iptables in the container?)' };
  if (unknown.length) return { pass: false, error: true, expected, actual: `a MASQUERADE rule whose source match is not understood: ${unknown.map((r) => r.raw).join(' | ')}` };
  return {
    pass: countSatisfied(matching.length, count) && partial.length === 0,
    expected,
    actual: `${matching.length} matching${partial.length ? ` (${partial.length} covering only part of ${subnet}: ${partial.map((r) => r.raw).join(' | ')})` : ''}; all MASQUERADE rules: ${
      all.map((r) => r.raw).join(' | ') || 'none'
    }`,
  };
}

export const KIND: CheckKind<IptablesMasqueradeCheck> = {
  kind: 'iptables-masquerade',
  schema: { properties: { chain: { type: 'string' }, subnet: { type: 'string' }, notOutputInterface: { type: 'string' }, count: { $ref: '#/definitions/count' } }, required: ['count'] },
  files: () => [OPTIONAL_FILES.iptablesNat],
  evaluate: iptablesMasquerade,
  evidence: (_c, p, exec) => [showSource(IPTABLES_NAT, p, exec)],
  expectsNoOutput: (c) => c.count?.eq === 0,
};
