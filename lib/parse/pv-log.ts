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
import { splitLines } from './lines.ts';

export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

/** One parsed log line. `time` is `tsec` (CLOCK_MONOTONIC seconds by default, the host's uptime under Docker). */
export interface PvLogLine {
  /** 1-based line number in the file. */
  lineNo: number;
  raw: string;
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

/** Parses a whole pantavisor.log. Blank lines are neither lines nor unparsed, but still count for lineNo. */
export function parsePvLog(text: string): PvLog {
  const log: PvLog = { lines: [], unparsed: [] };
  splitLines(text).forEach((raw, i) => {
    const lineNo = i + 1;
    if (raw.trim() === '') return;
    const line = parsePvLogLine(raw, lineNo);
    if (line) log.lines.push(line);
    else log.unparsed.push({ lineNo, raw });
  });
  return log;
}

/** Parses one line (without its newline); undefined when it is not a log line. */
export function parsePvLogLine(raw: string, lineNo: number): PvLogLine | undefined {
  const match = LINE.exec(raw.replace(/\0/g, ''));
  if (!match) return undefined;
  const [, platform, timestamp, time, level, module, body = ''] = match;
  const line: PvLogLine = {
    lineNo,
    raw,
    platform,
    time: Number(time),
    level: level as LogLevel,
    module,
    message: body,
  };
  if (timestamp !== undefined) line.timestamp = timestamp;
  const prefix = FUNCTION_PREFIX.exec(body);
  if (prefix) {
    line.function = prefix[1];
    line.codeLine = Number(prefix[2]);
    line.message = prefix[3] ?? '';
  }
  return line;
}
