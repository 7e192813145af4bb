/**
 * Parser for the statistics line of `ping` output, from busybox ping (inside
 * the example containers) or iputils ping.
 *
 * busybox: `2 packets transmitted, 0 packets received, 100% packet loss`
 *          (with `N duplicates, ` before the loss when there are any)
 * iputils: `2 packets transmitted, 2 received, 0% packet loss, time 1001ms`
 *          (with `+N duplicates, ` / `+N errors, ` before the loss)
 */

/** Summary of one ping run. `errors`/`duplicates` are present only when ping printed them. */
export interface PingSummary {
  transmitted: number;
  received: number;
  lossPercent: number;
  tool: 'busybox' | 'iputils';
  errors?: number;
  duplicates?: number;
}

const SUMMARY = /(\d+) packets transmitted, (\d+) (packets )?received,(.*?)(\d+(?:\.\d+)?)% packet loss/g;

/**
 * Parses the last statistics line in the text. Returns undefined when there is
 * none (`no container found: NAME`, `ping: sendto: Network is unreachable`, ...).
 */
export function parsePing(text: string): PingSummary | undefined {
  const matches = [...text.matchAll(SUMMARY)];
  const match = matches[matches.length - 1];
  if (!match) return undefined;
  const [, transmitted, received, packetsWord, extras, loss] = match;
  const summary: PingSummary = {
    transmitted: Number(transmitted),
    received: Number(received),
    lossPercent: Number(loss),
    tool: packetsWord ? 'busybox' : 'iputils',
  };
  const errors = /\+?(\d+) errors/.exec(extras);
  if (errors) summary.errors = Number(errors[1]);
  const duplicates = /\+?(\d+) duplicates/.exec(extras);
  if (duplicates) summary.duplicates = Number(duplicates[1]);
  return summary;
}

/**
 * Why a summary is not one ping prints, or undefined: a loss above 100 %, or more packets
 * received than transmitted (duplicates are counted apart). Quoted by the check, never judged.
 */
export function pingProblem(s: PingSummary): string | undefined {
  if (s.lossPercent > 100) return `a packet loss out of range 0..100: ${s.lossPercent}%`;
  if (s.received > s.transmitted) return `more received (${s.received}) than transmitted (${s.transmitted})`;
  return undefined;
}
