/** kind "ip-unchanged": the container's IPv4 in lxc-ls -f is the same in two steps (Test 6). */
import { FILES } from '../bundle/bundle.ts';
import { lxcLs } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { sameIp } from '../ip.ts';
import { type EvalContext, lxcRow, type Outcome } from './types.ts';

export interface IpUnchangedCheck extends CheckBase {
  kind: 'ip-unchanged';
  container: string;
  from: string;
  to: string;
}

export function ipUnchanged(check: IpUnchangedCheck, ctx: EvalContext): Outcome {
  const container = check.container;
  const ipIn = (step: string) => {
    const s = ctx.steps[step];
    if (!s) return { ip: undefined, text: `step '${step}' not captured` };
    const ips = lxcRow(s, container)?.ipv4 ?? [];
    return { ip: ips.length === 1 ? ips[0] : undefined, text: `${step}: ${ips.join(', ') || '-'}` };
  };
  const a = ipIn(check.from);
  const b = ipIn(check.to);
  return {
    pass: a.ip !== undefined && b.ip !== undefined && sameIp(a.ip, b.ip),
    expected: `${container} keeps one and the same IPv4 from ${check.from} to ${check.to}`,
    actual: `${a.text}; ${b.text}`,
  };
}

export const KIND: CheckKind<IpUnchangedCheck> = {
  kind: 'ip-unchanged',
  schema: { properties: { container: { $ref: '#/definitions/name' }, from: { type: 'string' }, to: { type: 'string' } }, required: ['container', 'from', 'to'] },
  files: () => [FILES.lxcLs],
  evaluate: ipUnchanged,
  evidence: lxcLs,
  steps: (c) => [c.from, c.to],
  validate(c, where) {
    for (const sid of [c.from, c.to]) {
      if (!where.stepIds.includes(sid)) return `scenarios.json: check '${c.id}' names step '${sid}', which Test ${where.scenario} does not have`;
    }
    return undefined;
  },
};
