// Rules for the text of a request body, checked before anything reads it.
//
// Depth: every parameter of the API sits at most 4 levels deep
// (content[variables][code]), so nothing valid comes near MAX_BODY_DEPTH. The
// cap is checked on the raw JSON text, without recursion, so that what walks
// the parsed value afterwards (the Idempotency-Key fingerprint, the schema)
// never meets a body deep enough to exhaust the stack.

export const MAX_BODY_DEPTH = 32;

/** Whether the JSON text nests arrays and objects more than `max` levels deep (it need not be valid JSON). */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{" || char === "[") {
      if (++depth > max) return true;
    } else if (char === "}" || char === "]") {
      depth--;
    }
  }
  return false;
}
