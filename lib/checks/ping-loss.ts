/** kind "ping-loss": the summary of `pventer -c FROM ping -c 2 TO` shows this packet loss. */
import type { Check } from '../scenarios.ts';
import { pingFileName } from '../bundle.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export function pingLoss(check: Check, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const file = pingFileName(check.from as string, check.to as string);
  const expected = `${check.from} → ${check.to}: ${check.lossPercent}% packet loss`;
  const ping = state.pings[file];
  if (!ping) return { pass: false, expected, actual: `${file} missing` };
  if (!ping.summary) {
    const text = ping.text.trim().split('\n').slice(-2).join(' / ') || '(no output)';
    return { pass: false, expected, actual: `no ping summary: ${text}` };
  }
  const s = ping.summary;
  return {
    pass: s.lossPercent === check.lossPercent,
    expected,
    actual: `${s.transmitted} transmitted, ${s.received} received, ${s.lossPercent}% packet loss`,
  };
}
