/**
 * Parser for `lxc-ls -f` ("fancy") output, and for `lxc-ls -f -F COL,COL,...`.
 *
 * lxc-ls prints a header line (`NAME STATE AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED`
 * by default) and one row per container, columns padded with spaces, every line
 * padded with trailing spaces. `-` means "none". Several addresses are joined
 * with `, ` (or `,`). With no containers lxc-ls prints nothing at all.
 */
import { isIPv4 } from '../ip.ts';
import { splitLines, tokensWithOffsets } from './lines.ts';

/** One container row of `lxc-ls -f`. Columns absent from the output are `''`. */
export interface LxcRow {
  name: string;
  state: string;
  autostart: string;
  groups: string;
  ipv4: string[];
  ipv6: string[];
  unprivileged: string;
}

/** Column names lxc-ls accepts in `-F` (lxc_ls.c). A header must consist of these only. */
const KNOWN_COLUMNS = new Set([
  'NAME',
  'STATE',
  'PID',
  'RAM',
  'SWAP',
  'AUTOSTART',
  'GROUPS',
  'INTERFACE',
  'IPV4',
  'IPV6',
  'UNPRIVILEGED',
]);

/** The states lxc_ls.c prints (lxc_state_t). */
export const LXC_STATES = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ABORTING', 'FREEZING', 'FROZEN', 'THAWED'];
const KNOWN_STATES = new Set(LXC_STATES);

interface Cell {
  text: string;
  start: number;
}

/** Rows of `lxc-ls -f`, or why the output cannot be read as such (`problem`; rows are then []). */
export interface LxcRead {
  rows: LxcRow[];
  problem?: string;
}

/**
 * Parses `lxc-ls -f` output into rows. Returns [] for empty output or output that is not an
 * lxc-ls table (an error message, an unknown column): readLxcLs says which.
 */
export function parseLxcLs(text: string): LxcRow[] {
  return readLxcLs(text).rows;
}

/**
 * Reads `lxc-ls -f` output. Empty output is an empty list (lxc-ls prints nothing without
 * containers). Lines before the header are tolerated (a warning printed first); no header,
 * a header with a column lxc-ls does not have, a row with more cells than the header, a STATE
 * lxc-ls does not print or an IPV4 cell that is not addresses make it unreadable: never "no
 * containers".
 */
export function readLxcLs(text: string): LxcRead {
  const lines = splitLines(text).filter((line) => line.trim() !== '');
  if (lines.length === 0) return { rows: [] };
  const at = lines.findIndex((line) => {
    const columns = line.trim().split(/\s+/);
    return columns.includes('NAME') && columns.every((column) => KNOWN_COLUMNS.has(column));
  });
  if (at < 0) {
    const headerLike = lines.find((line) => /(^|\s)NAME(\s|$)/.test(line));
    if (headerLike) {
      const unknown = headerLike.trim().split(/\s+/).filter((column) => !KNOWN_COLUMNS.has(column));
      return { rows: [], problem: `a header with column(s) lxc-ls does not print: ${unknown.slice(0, 3).join(', ')}` };
    }
    return { rows: [], problem: 'no lxc-ls header (NAME STATE ...)' };
  }
  const header = tokensWithOffsets(lines[at]);
  const rows = parseRows(header, lines.slice(at + 1));
  const bad = lines.slice(at + 1).map((line, i) => rowProblem(header, line, rows[i])).find((p) => p !== undefined);
  return bad ? { rows: [], problem: bad } : { rows };
}

function rowProblem(header: Cell[], line: string, row: LxcRow): string | undefined {
  const cells = mergeCommaLists(tokensWithOffsets(line));
  const quoted = JSON.stringify(line.trim());
  if (cells.length > header.length) return `a row with more cells than the header's ${header.length} columns: ${quoted}`;
  if (header.some((c) => c.text === 'STATE') && !KNOWN_STATES.has(row.state)) return `a row whose STATE is not an LXC state: ${quoted}`;
  if (row.ipv4.some((ip) => !isIPv4(ip))) return `a row whose IPV4 is not IPv4 addresses: ${quoted}`;
  return undefined;
}

function parseRows(header: Cell[], lines: string[]): LxcRow[] {
  return lines.map((line) => {
    const values = cellsByColumn(header, mergeCommaLists(tokensWithOffsets(line)));
    return {
      name: values.get('NAME') ?? '',
      state: values.get('STATE') ?? '',
      autostart: values.get('AUTOSTART') ?? '',
      groups: values.get('GROUPS') ?? '',
      ipv4: addressList(values.get('IPV4')),
      ipv6: addressList(values.get('IPV6')),
      unprivileged: values.get('UNPRIVILEGED') ?? '',
    };
  });
}

/** Joins `10.0.5.2,` + `10.0.3.7` (a `, `-separated list split by whitespace) back into one cell. */
function mergeCommaLists(tokens: Cell[]): Cell[] {
  const cells: Cell[] = [];
  for (const token of tokens) {
    const previous = cells[cells.length - 1];
    if (previous && previous.text.endsWith(',')) previous.text += ' ' + token.text;
    else cells.push({ ...token });
  }
  return cells;
}

/**
 * Maps cells to header columns. lxc-ls prints `-` for every empty cell, so
 * normally there is one cell per column and they map by position; otherwise
 * each cell goes to the last column starting at or before it.
 */
function cellsByColumn(header: Cell[], cells: Cell[]): Map<string, string> {
  const values = new Map<string, string>();
  if (cells.length === header.length) {
    header.forEach((column, i) => values.set(column.text, cells[i].text));
    return values;
  }
  for (const cell of cells) {
    let column = header[0];
    for (const candidate of header) if (candidate.start <= cell.start) column = candidate;
    const existing = values.get(column.text);
    values.set(column.text, existing === undefined ? cell.text : `${existing} ${cell.text}`);
  }
  return values;
}

/** `10.0.5.2, 10.0.3.7` → ['10.0.5.2', '10.0.3.7']; `-`, '' or undefined → []. */
function addressList(cell: string | undefined): string[] {
  if (cell === undefined) return [];
  return cell.split(/[\s,]+/).filter((address) => address !== '' && address !== '-');
}
