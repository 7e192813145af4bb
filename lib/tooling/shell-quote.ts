/**
 * The toolkit's one shell-quoting function: every value that reaches a shell line (a scenario
 * command, a path, a container name, a pattern) goes through it and is read by sh as one word.
 */

/** One sh word for `s`: bare when it has no special character, else quoted (nothing in it expands). */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  if (s.includes("'") && !/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
