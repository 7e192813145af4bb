/** kind "ip-unchanged": the container's IPv4 in lxc-ls -f is the same in two steps (Test 6). */
import type { Check } from '../scenarios.ts';
import { sameIp } from '../ip.ts';
import { lxcRow, type EvalContext, type Outcome } from './types.ts';

export function ipUnchanged(check: Check, ctx: EvalContext): Outcome {
  const container = check.container as string;
  const ipIn = (step: string) => {
    const s = ctx.steps[step];
    if (!s) return { ip: undefined, text: `step '${step}' not captured` };
    const ips = lxcRow(s, container)?.ipv4 ?? [];
    return { ip: ips.length === 1 ? ips[0] : undefined, text: `${step}: ${ips.join(', ') || '-'}` };
  };
  const a = ipIn(check.from as string);
  const b = ipIn(check.to as string);
  return {
    pass: a.ip !== undefined && b.ip !== undefined && sameIp(a.ip, b.ip),
    expected: `${container} keeps one and the same IPv4 from ${check.from} to ${check.to}`,
    actual: `${a.text}; ${b.text}`,
  };
}
