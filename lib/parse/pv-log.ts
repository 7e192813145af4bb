/**
 * Parser for pantavisor.log as written by pantavisor's logserver filetree
 * output (logserver_utils.c, print_pvfmt_log):
 *
 *   `[pantavisor] 86512 INFO\t -- [ipam]: (pv_ipam_init:58) IPAM subsystem initialized`
 *
 * i.e. `[platform] [optional formatted ts] tsec LEVEL\t -- [module]: message`.
 * Messages from pv_log() start with `(function:line) `; parser-system1,
 * containers-ep and logserver messages do not. The parser is lenient about
 * whitespace around `--`, tolerates CRLF, garbage and a truncated last line,
 * and never throws.
 */

export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

/** One parsed log line. `time` is `tsec` (CLOCK_MONOTONIC seconds by default, the host's uptime under Docker). */
export interface PvLogLine {
  /** 1-based line number in the file. */
  lineNo: number;
  /** the line as pantavisor writes it (rebuilt from the fields: a parsed log keeps no copy of the text) */
  readonly raw: string;
  platform: string;
  /** The second bracket, present only when PV_LOG_FILETREE_TIMESTAMP_FORMAT is set. */
  timestamp?: string;
  time: number;
  level: LogLevel;
  module: string;
  function?: string;
  codeLine?: number;
  message: string;
}

export interface PvLog {
  lines: PvLogLine[];
  /** Non-blank lines that do not have the log-line shape (garbage, cut-off prefixes). */
  unparsed: { lineNo: number; raw: string }[];
}

const LINE = /^\[([^\]]+)\]\s+(?:\[([^\]]*)\]\s+)?(\d+)\s+(FATAL|ERROR|WARN|INFO|DEBUG|TRACE)\s+--\s+\[([^\]]+)\]: ?(.*)$/;
const FUNCTION_PREFIX = /^\(([A-Za-z_][A-Za-z0-9_]*):(\d+)\)(?: (.*)|$)/;

/** A parsed line; its fields are interned copies, so a long log keeps no slice of its text alive. */
class Line implements PvLogLine {
  lineNo: number;
  platform: string;
  time: number;
  level: LogLevel;
  module: string;
  message: string;
  function?: string;
  codeLine?: number;
  timestamp?: string;

  constructor(lineNo: number, platform: string, time: number, level: LogLevel, module: string, message: string, fn?: string, codeLine?: number, timestamp?: string) {
    this.lineNo = lineNo;
    this.platform = platform;
    this.time = time;
    this.level = level;
    this.module = module;
    this.message = message;
    this.function = fn;
    this.codeLine = codeLine;
    this.timestamp = timestamp;
  }

  get raw(): string {
    const ts = this.timestamp !== undefined ? `[${this.timestamp}] ` : '';
    const fn = this.function !== undefined ? `(${this.function}:${this.codeLine}) ` : '';
    return `[${this.platform}] ${ts}${this.time} ${this.level}\t -- [${this.module}]: ${fn}${this.message}`;
  }
}

/** A flat copy of a string (not a slice that would keep its whole source alive). */
function copy(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * Parses pantavisor.log text pushed in pieces (a file read at once, or the new bytes of each
 * poll): lines split across pieces are joined, line numbers continue. Field values repeat a
 * lot in a long log (modules, functions, periodic messages), so they are interned: a log of
 * a million lines costs its distinct strings plus a small object per line.
 */
export class PvLogParser {
  readonly log: PvLog = { lines: [], unparsed: [] };
  private carry = '';
  private lineNo = 0;
  private readonly pool = new Map<string, string>();
  private static readonly MAX_POOL = 200_000;

  private intern(s: string): string {
    const known = this.pool.get(s);
    if (known !== undefined) return known;
    const c = copy(s);
    if (this.pool.size < PvLogParser.MAX_POOL) this.pool.set(c, c);
    return c;
  }

  /** Adds text; a last line without its newline waits for the next push (or finish). */
  push(text: string): void {
    let start = 0;
    const all = this.carry ? this.carry + text : text;
    this.carry = '';
    for (;;) {
      const nl = all.indexOf('\n', start);
      if (nl < 0) break;
      this.line(all.slice(start, nl));
      start = nl + 1;
    }
    if (start < all.length) this.carry = copy(all.slice(start));
  }

  /** Ends the text: a last line without a newline (a capture cut short) is parsed too. */
  finish(): PvLog {
    if (this.carry) this.line(this.carry);
    this.carry = '';
    return this.log;
  }

  /** The lines so far, as an immutable snapshot (the last unterminated line is not in it yet). */
  snapshot(): PvLog {
    return { lines: this.log.lines.slice(), unparsed: this.log.unparsed.slice() };
  }

  private line(rawLine: string): void {
    const raw = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const lineNo = ++this.lineNo;
    if (raw.trim() === '') return;
    const parsed = this.parse(raw, lineNo);
    if (parsed) this.log.lines.push(parsed);
    else this.log.unparsed.push({ lineNo, raw: copy(raw) });
  }

  parse(raw: string, lineNo: number): PvLogLine | undefined {
    const match = LINE.exec(raw.replace(/\0/g, ''));
    if (!match) return undefined;
    const [, platform, timestamp, time, level, module, body = ''] = match;
    const prefix = FUNCTION_PREFIX.exec(body);
    const i = (s: string) => this.intern(s);
    return new Line(
      lineNo,
      i(platform),
      Number(time),
      i(level) as LogLevel,
      i(module),
      i(prefix ? prefix[3] ?? '' : body),
      prefix ? i(prefix[1]) : undefined,
      prefix ? Number(prefix[2]) : undefined,
      timestamp !== undefined ? i(timestamp) : undefined,
    );
  }
}

/** Parses a whole pantavisor.log. Blank lines are neither lines nor unparsed, but still count for lineNo. */
export function parsePvLog(text: string): PvLog {
  const p = new PvLogParser();
  p.push(text);
  return p.finish();
}
