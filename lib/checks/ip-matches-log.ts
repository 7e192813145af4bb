/**
 * kind "ip-matches-log" (implied by the plan): the address lxc-ls -f shows for the container
 * is the one pantavisor.log last assigned to it: "allocated", "reusing existing lease",
 * "reserved ... for" (static PV_NETWORK_IP) or "reserved static IP ... (from ...)" (baked).
 * With `revision`, the log of that revision (logs/<rev>/pantavisor/pantavisor.log; "0" = pantavisor.log).
 */
import { FILES, revisionLogFileName } from '../bundle/bundle.ts';
import { ereEscape, grepLog, lxcLs } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { bareIp, sameIp } from '../ip.ts';
import type { PvLogLine } from '../parse/pv-log.ts';
import { REVISION_SCHEMA } from './update-progress.ts';
import { current, describeLxc, type EvalContext, logName, logOf, lxcRow, type Outcome } from './types.ts';

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The IP a log line says was given to the container, if it says so. */
export function assignedIp(line: PvLogLine, container: string): string | undefined {
  if (line.module !== 'ipam') return undefined;
  const c = escape(container);
  const forms = [
    new RegExp(`^allocated (\\S+) to ${c} from pool `),
    new RegExp(`^reusing existing lease for ${c}: (\\S+)$`),
    new RegExp(`^reserved (\\S+) for ${c} in pool `),
    new RegExp(`^reserved static IP (\\S+) \\(from ${c}\\) in pool `),
  ];
  for (const f of forms) {
    const m = f.exec(line.message);
    if (m) return m[1];
  }
  return undefined;
}

export interface IpMatchesLogCheck extends CheckBase {
  kind: 'ip-matches-log';
  container: string;
  revision?: string;
}

export function ipMatchesLog(check: IpMatchesLogCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const container = check.container;
  const log = logOf(state, check.revision);
  let last: { ip: string; line: PvLogLine } | undefined;
  for (const line of log.log?.lines ?? []) {
    const ip = assignedIp(line, container);
    if (ip) last = { ip, line };
  }
  const row = lxcRow(state, container);
  const expected = `${container} IPv4 in lxc-ls equals the IP ${logName(check.revision)} last assigned to it`;
  if (!last) return { pass: false, expected, actual: log.missing ?? `no allocated/reserved/reusing line for ${container} in ${logName(check.revision)}` };
  if (!row || row.ipv4.length === 0) {
    return { pass: false, expected, actual: `log assigned ${last.ip} (line ${last.line.lineNo}); ${row ? `${container} has no IPv4` : describeLxc(state)}` };
  }
  const pass = row.ipv4.some((ip) => sameIp(ip, last!.ip));
  return { pass, expected, actual: `log assigned ${bareIp(last.ip)} (line ${last.line.lineNo}); lxc-ls shows ${row.ipv4.join(', ')}` };
}

export const KIND: CheckKind<IpMatchesLogCheck> = {
  kind: 'ip-matches-log',
  schema: {
    properties: {
      container: { $ref: '#/definitions/name' },
      revision: { ...REVISION_SCHEMA, description: 'read the log of this revision (logs/<revision>/pantavisor/pantavisor.log); absent or "0": pantavisor.log' },
    },
    required: ['container'],
  },
  files: (c) => [FILES.lxcLs, revisionLogFileName(c.revision)],
  evaluate: ipMatchesLog,
  evidence: (c, p, exec) => [
    ...lxcLs(c, p, exec),
    grepLog({ mode: 'E', patterns: [`(allocated|reserved|reusing existing lease) .*${ereEscape(c.container)}`] }, p, exec, c.revision),
  ],
};
