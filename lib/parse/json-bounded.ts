/**
 * JSON from an input file (a report.json, a bundle's meta.json, a progress, ...), parsed once
 * with bounds (README "Input bounds"): at most JSON_BOUNDS.bytes characters and
 * JSON_BOUNDS.depth levels of nesting. A linear scan counts the nesting before JSON.parse runs,
 * so a deeply nested file is refused in one pass, never built into millions of objects.
 * Pure: text in, the value or why it is not one out.
 */

export const JSON_BOUNDS = { bytes: 16 * 2 ** 20, depth: 64 } as const;

export type BoundedJson = { value: unknown } | { problem: string };

const mb = (n: number) => `${Math.round((n / 2 ** 20) * 10) / 10} MB`;

/** The deepest nesting of arrays and objects in `text` (strings skipped), stopping past `limit`. */
export function jsonDepth(text: string, limit: number = JSON_BOUNDS.depth): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** `text` parsed, or why not: over the size or depth bound, or not JSON (with the parser's reason). */
export function parseJsonBounded(text: string, bounds: { bytes?: number; depth?: number } = {}): BoundedJson {
  const bytes = bounds.bytes ?? JSON_BOUNDS.bytes;
  const depth = bounds.depth ?? JSON_BOUNDS.depth;
  if (text.length > bytes) return { problem: `${mb(text.length)}, over the ${mb(bytes)} a JSON input may have` };
  if (jsonDepth(text, depth) > depth) return { problem: `nested over ${depth} levels deep, more than a JSON input may be` };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { problem: `not valid JSON (${(e as Error).message})` };
  }
}

/** A plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
