/**
 * Parser for `lxc-ls -f` ("fancy") output, and for `lxc-ls -f -F COL,COL,...`.
 *
 * lxc-ls prints a header line (`NAME STATE AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED`
 * by default) and one row per container, columns padded with spaces, every line
 * padded with trailing spaces. `-` means "none". Several addresses are joined
 * with `, ` (or `,`). With no containers lxc-ls prints nothing at all.
 */
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
  'NAME', 'STATE', 'PID', 'RAM', 'SWAP', 'AUTOSTART', 'GROUPS', 'INTERFACE', 'IPV4', 'IPV6', 'UNPRIVILEGED',
]);

interface Cell { text: string; start: number }

/**
 * Parses `lxc-ls -f` output into rows. Returns [] for empty output or output
 * that does not start with an lxc-ls header (e.g. an error message).
 */
export function parseLxcLs(text: string): LxcRow[] {
  const lines = splitLines(text).filter((line) => line.trim() !== '');
  if (lines.length === 0) return [];
  const header = tokensWithOffsets(lines[0]);
  const columns = header.map((cell) => cell.text);
  if (!columns.includes('NAME') || !columns.every((column) => KNOWN_COLUMNS.has(column))) return [];

  return lines.slice(1).map((line) => {
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
