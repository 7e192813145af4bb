/**
 * The command a user types on the host to see the evidence a check judges, e.g.
 * `docker exec pva-test lxc-ls -f` for a container-state check. Pure: check in, one
 * copy-pasteable shell line out. The plan document's Verify sections print these, and a
 * FAIL can print one next to it. Log checks become a grep of pantavisor.log: `grep -F` with
 * the pattern's literal text, or `grep -E` with its regex translated to POSIX ERE (the grep
 * runs inside the container, which may be busybox: no \d, \w, \s).
 * These are the pieces; each kind's `evidence` (lib/checks/<kind>.ts) puts its command
 * together from them, and evidenceCommand (lib/checks/index.ts) picks the kind's. A file's
 * command is its evidence source's (lib/evidence/<source>.ts), the one the toolkit gathers with.
 */
import type { LogPattern } from '../log-match.ts';
import { shellQuote as shq } from '../tooling/shell-quote.ts';
import type { UserLines } from '../target/driver.ts';
import { DEVICE_JSON } from './device-json.ts';
import { LXC_LS } from './lxc-ls.ts';
import { NFT } from './nft.ts';
import { PANTAVISOR_LOG } from './pantavisor-log.ts';
import { revisionLogFileName } from './revision-log.ts';
import { type EvidenceSource, fileOf } from './source.ts';
import { revisionLogPath } from './storage.ts';

export interface EvidencePaths {
  /** the appengine container's name (CONTAINER) */
  container: string;
  /** pantavisor.log inside the container (LOG_FILE) */
  logFile: string;
  /** the trail's device.json inside the container (DEVICE_JSON) */
  deviceJsonFile: string;
  /** STORAGE_PATH (a revision's log is under it); default: LOG_FILE's (lib/evidence/storage.ts storageOf) */
  storagePath?: string;
  /** the scenario's gather overrides (scenarios.json `gather`: bundle file -> command) */
  gather?: Record<string, string>;
  /** PING_WAIT: the pings are bounded with `ping -W N` as the toolkit runs them */
  pingWaitSecs?: number;
  /** the target driver's user lines (lib/target/registry.ts userLinesOf); default: the default driver's for `container` */
  target?: UserLines;
}

/** The host line that runs `command` (one sh line) in the target: the driver's userLine. */
export type Exec = (command: string) => string;

/** Escapes a literal for a POSIX extended regular expression. */
export function ereEscape(s: string): string {
  return s.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');
}

/**
 * A JavaScript regex as a POSIX ERE matched against a whole log line, or undefined when it
 * uses something ERE lacks (lookaround, back-references, lazy quantifiers, \b). Anchors go:
 * the check's regex is anchored to the message, and grep sees the line with its prefix.
 */
export function toEre(source: string): string | undefined {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[++i];
      if (n === undefined) return undefined;
      const classes: Record<string, string> = { d: '[0-9]', D: '[^0-9]', w: '[[:alnum:]_]', W: '[^[:alnum:]_]', s: '[[:space:]]', S: '[^[:space:]]', t: '\t' };
      if (classes[n]) out += classes[n];
      else if (/[.[\]()*+?{}|^$\\/-]/.test(n)) out += n === '/' || n === '-' ? n : `\\${n}`;
      else return undefined; // \b, \1, \u..., \x..: no ERE equivalent worth guessing
    } else if (c === '(' && source[i + 1] === '?') {
      if (source[i + 2] !== ':') return undefined; // lookaround, named groups
      out += '(';
      i += 2;
    } else if ((c === '*' || c === '+' || c === '?' || c === '}') && source[i + 1] === '?') {
      return undefined; // lazy quantifier
    } else if (c === '[') {
      // copy a bracket expression, translating \d etc. inside it
      let j = i + 1;
      let body = '';
      if (source[j] === '^') {
        body += '^';
        j++;
      }
      if (source[j] === ']') {
        body += ']';
        j++;
      }
      for (; j < source.length && source[j] !== ']'; j++) {
        if (source[j] === '\\') {
          const n = source[++j];
          const inner: Record<string, string> = { d: '0-9', w: '[:alnum:]_', s: '[:space:]' };
          if (n !== undefined && inner[n]) body += inner[n];
          else if (n !== undefined && /[\]\\^.-]/.test(n)) body += n === ']' ? ']' : n; // approximate; ERE has no escapes in brackets
          else return undefined;
        } else body += source[j];
      }
      if (j >= source.length) return undefined;
      out += `[${body}]`;
      i = j;
    } else if (c === '^' && (i === 0 || source[i - 1] === '(' || source[i - 1] === '|')) {
      // message anchor: dropped
    } else if (c === '$' && (i === source.length - 1 || source[i + 1] === ')' || source[i + 1] === '|')) {
      // message anchor: dropped
    } else {
      out += c;
    }
  }
  return out;
}

/** The longest run of plain characters in a regex, for a `grep -F` when it cannot be an ERE. */
export function longestLiteral(source: string): string {
  let best = '';
  let cur = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && /[.[\]()*+?{}|^$\\/-]/.test(source[i + 1] ?? '')) {
      cur += source[++i];
    } else if (/[.[\]()*+?{}|^$\\]/.test(c)) {
      // a quantifier makes the character before it optional or repeated
      if (/[*?{]/.test(c)) cur = cur.slice(0, -1);
      if (cur.length > best.length) best = cur;
      cur = '';
      if (c === '\\') i++;
    } else cur += c;
  }
  return cur.length > best.length ? cur : best;
}

/** A literal that every line matching the pattern contains (used when it has no text). */
function prefixLiteral(p: LogPattern): string | undefined {
  if (p.function) return `(${p.function}:`;
  if (p.module) return `[${p.module}]:`;
  return undefined;
}

export type Grep = { mode: 'F' | 'E'; patterns: string[] };

export function grepOf(patterns: LogPattern[]): Grep {
  const parts = patterns.map((p) => {
    if (p.text !== undefined) return { fixed: p.text };
    if (p.regex !== undefined) {
      const ere = toEre(p.regex);
      if (ere !== undefined && ere !== '') return { ere };
      return { fixed: longestLiteral(p.regex) || prefixLiteral(p) || '' };
    }
    return { fixed: prefixLiteral(p) ?? p.level ?? '' };
  });
  if (parts.every((x) => 'fixed' in x)) return { mode: 'F', patterns: parts.map((x) => (x as { fixed: string }).fixed) };
  return { mode: 'E', patterns: parts.map((x) => ('ere' in x ? x.ere! : ereEscape((x as { fixed: string }).fixed))) };
}

/** What shows a bundle file: its command in the container, or the scenario's override of it. */
export function show(file: string, command: string, p: EvidencePaths, exec: Exec): string {
  const override = p.gather?.[file];
  return exec(override === undefined ? command : `sh -c ${shq(override)}`);
}

/** What shows an evidence source's file (of `param`, a revision): the command the toolkit gathers it with, or the scenario's override. */
export function showSource(source: EvidenceSource, p: EvidencePaths, exec: Exec, param = ''): string {
  return show(fileOf(source, param), source.command(p, param), p, exec);
}

/**
 * grep over pantavisor.log (or, with `revision`, that revision's log under STORAGE_PATH): in the
 * container, or on the host when the scenario gathers the log its own way.
 */
export function grepLog(g: Grep, p: EvidencePaths, exec: Exec, revision?: string): string {
  const unique = [...new Set(g.patterns)];
  const args = unique.length === 1 ? shq(unique[0]) : unique.map((x) => `-e ${shq(x)}`).join(' ');
  const file = revisionLogFileName(revision);
  const override = p.gather?.[file];
  if (override !== undefined) return `${exec(`sh -c ${shq(override)}`)} | grep -${g.mode} ${args}`;
  return exec(`grep -${g.mode} ${args} ${shq(file === fileOf(PANTAVISOR_LOG) ? p.logFile : revisionLogPath(p, revision!))}`);
}

/** The evidence commands of the bundle files most kinds read (a kind's `evidence`, lib/checks/<kind>.ts). */
export const lxcLs = (_c: unknown, p: EvidencePaths, exec: Exec): string[] => [showSource(LXC_LS, p, exec)];
export const deviceJson = (_c: unknown, p: EvidencePaths, exec: Exec): string[] => [showSource(DEVICE_JSON, p, exec)];
export const nftRuleset = (_c: unknown, p: EvidencePaths, exec: Exec): string[] => [showSource(NFT, p, exec)];
export const logGrep = (c: { line: LogPattern; revision?: string }, p: EvidencePaths, exec: Exec): string[] => [grepLog(grepOf([c.line]), p, exec, c.revision)];
