/**
 * Line splitting shared by the parsers: command output captured from the
 * appengine may use LF or CRLF and may or may not end with a newline.
 */

/**
 * Splits text into lines, dropping the line terminator (`\n` or `\r\n`).
 * A trailing newline does not produce an extra empty line; a last line
 * without a newline (truncated output) is kept.
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Splits a line into whitespace-separated tokens, each with its start column. */
export function tokensWithOffsets(line: string): { text: string; start: number }[] {
  const tokens: { text: string; start: number }[] = [];
  for (const match of line.matchAll(/\S+/g)) tokens.push({ text: match[0], start: match.index ?? 0 });
  return tokens;
}

/** The first lines of an output, as one quoted string a report can show ("…" when cut). */
export function quoteOutput(text: string, maxChars = 160): string {
  const lines = splitLines(text).filter((line) => line.trim() !== '').slice(0, 3);
  const joined = lines.join(' ⏎ ');
  return JSON.stringify(joined.length > maxChars ? joined.slice(0, maxChars) + '…' : joined);
}
