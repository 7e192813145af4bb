/**
 * Text from outside the toolkit (evidence: an lxc-ls row, a log line, a bundle's meta.json; a
 * file name; a variable's value) made safe to print on a terminal: every control character
 * (C0 with newline and tab, DEL, C1) and every bidirectional override is shown escaped
 * (`\x1b`, `\n`, `\u202e`), so that no evidence can move the cursor, repaint or reorder a line
 * (an ESC[1A ESC[2K inside a container name could turn a FAIL line into a PASS one). The
 * toolkit's own colours are added around the escaped text, never inside it. Pure.
 */

// deno-lint-ignore no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (ch) => NAMED[ch] ?? (ch.charCodeAt(0) < 0x100 ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
