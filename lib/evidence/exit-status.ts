/**
 * The exit statuses of a round's commands (exit-status.json, written by lib/bundle/gather.ts
 * parseGatherOutput) and what a status says about its output: the one table of reasons, used
 * by a bundle's unreadable evidence (lib/bundle/bundle.ts) and by a check that found a file missing
 * (verify's results, explainMissing). A source's own "not yet" statuses: its module.
 */
import { quoteOutput } from '../parse/lines.ts';
import { isJsonObject, parseJsonBounded } from '../parse/json-bounded.ts';

/** each command's exit status in the round, by bundle file (a bundle without it: see exitStatuses) */
export const EXIT_STATUS_FILE = 'exit-status.json';

/**
 * The exit statuses a bundle records (exit-status.json), by file. A bundle without the file
 * (captured before it existed) records none: each file there counts as exit 0, judged on its
 * text alone, and an absent one is just missing, as before. A file not of that shape: why.
 */
export function exitStatuses(files: Record<string, string>): Record<string, number> | string {
  const text = files[EXIT_STATUS_FILE];
  if (text === undefined) return {};
  const r = parseJsonBounded(text);
  const parsed = 'value' in r ? r.value : undefined;
  if (isJsonObject(parsed) && Object.values(parsed).every((v) => Number.isInteger(v))) return parsed as Record<string, number>;
  return `${EXIT_STATUS_FILE} is not {"file": status, ...}: ${quoteOutput(text)}`;
}

/** The statuses of a command killed by its `timeout -k 2 N` (124, or 137/143 from the kill). */
const KILLED_BY_TIMEOUT = [124, 137, 143];

/**
 * Why an exit status means the output is not what the command would print; `cmdTimeoutSecs`
 * names the timeout's length when known.
 */
export function exitReason(code: number, cmdTimeoutSecs?: number): string {
  if (KILLED_BY_TIMEOUT.includes(code)) return `killed by its ${cmdTimeoutSecs === undefined ? '' : `${cmdTimeoutSecs} s `}timeout (CMD_TIMEOUT), exit ${code}`;
  if (code === 127) return 'command not found (exit 127)';
  if (code === 126) return 'command not executable (exit 126)';
  return `its command exited ${code}`;
}

/**
 * A check that says "lxc-ls.txt missing" learns why from the round's exit statuses (exitReason);
 * a reason already given without the timeout's length gets it.
 */
export function explainMissing(actual: string, rc: Record<string, number>, cmdTimeoutSecs: number): string {
  return actual.replace(/^(\S+) missing\b(?!:)/, (whole, file: string) => {
    const code = rc[file];
    if (code === undefined || code === 0) return whole;
    return `${whole}: ${exitReason(code, cmdTimeoutSecs)}`;
  }).replace(exitReason(124).replace(', exit 124', ''), `killed by its ${cmdTimeoutSecs} s timeout (CMD_TIMEOUT)`);
}
