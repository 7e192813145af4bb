/**
 * kind "ping-loss": the summary of `pventer -c FROM ping -c 2 TO` shows this packet loss. A
 * summary ping cannot print (a loss above 100 %, more received than sent) is an ERROR, quoted.
 */
import { shellQuote as shq } from '../tooling/shell-quote.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { pingFileName } from '../bundle/bundle.ts';
import { pingProblem } from '../parse/ping.ts';
import { quoteOutput } from '../parse/lines.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface PingLossCheck extends CheckBase {
  kind: 'ping-loss';
  from: string;
  to: string;
  lossPercent: number;
}

export function pingLoss(check: PingLossCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const file = pingFileName(check.from, check.to);
  const expected = `${check.from} → ${check.to}: ${check.lossPercent}% packet loss`;
  const ping = state.pings[file];
  if (!ping) return { pass: false, expected, actual: `${file} missing` };
  if (!ping.summary) {
    const text = ping.text.trim().split('\n').slice(-2).join(' / ') || '(no output)';
    return { pass: false, expected, actual: `no ping summary: ${text}` };
  }
  const s = ping.summary;
  const problem = pingProblem(s);
  if (problem)
    return {
      pass: false,
      error: true,
      expected,
      actual: `${file} not understood (${problem}): ${quoteOutput(ping.text.split('\n').filter((l) => /packet loss/.test(l)).pop() ?? ping.text)}`,
    };
  return {
    pass: s.lossPercent === check.lossPercent,
    expected,
    actual: `${s.transmitted} transmitted, ${s.received} received, ${s.lossPercent}% packet loss`,
  };
}

export const KIND: CheckKind<PingLossCheck> = {
  kind: 'ping-loss',
  schema: { properties: { from: { $ref: '#/definitions/name' }, to: { type: 'string' }, lossPercent: { type: 'number', minimum: 0, maximum: 100 } }, required: ['from', 'to', 'lossPercent'] },
  files: (c) => [pingFileName(c.from, c.to)],
  evaluate: pingLoss,
  evidence: (c, p, exec) => [exec(`pventer -c ${shq(c.from)} ping -c 2${p.pingWaitSecs ? ` -W ${p.pingWaitSecs}` : ''} ${shq(c.to)}`)],
  validate: (c, where) => (where.pings.has(`${c.from} ${c.to}`) ? undefined : `scenarios.json: check '${c.id}' needs a ping from ${c.from} to ${c.to}; add it to the step's pings`),
};
