/** Arrays and objects nested deeper than this are refused (no form, filter or record nests near it). */
export const MAX_JSON_DEPTH = 64;

/**
 * JSON text as a value, or `undefined` when it is not JSON or nests deeper than MAX_JSON_DEPTH.
 * JSON.parse takes any depth, but what reads the value after (JSON.stringify, the validators) would
 * overflow the stack on a deep one: a 500 where the sender deserves a 400. Checked on the text, in
 * one pass that skips strings, before anything recurses.
 */
export function parseJsonText(text: string): { value: unknown } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_DEPTH) return undefined;
    } else if (c === 93 || c === 125) depth--;
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
