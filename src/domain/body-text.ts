// Rules for the text of a request body, checked before anything reads it.
//
// Depth: every parameter of the API sits at most 4 levels deep
// (content[variables][code]), so nothing valid comes near MAX_BODY_DEPTH. The
// cap is checked on the raw JSON text, without recursion, so that what walks
// the parsed value afterwards (the Idempotency-Key fingerprint, the schema)
// never meets a body deep enough to exhaust the stack.
//
// Text: a body is UTF-8. Invalid byte sequences, undecodable percent-escapes
// and lone UTF-16 surrogates (a JSON "\ud83d" escape) are refused rather than
// replaced with U+FFFD: the recipient would get corrupted text.

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

// In a u-mode pattern a surrogate pair is one code point, so this matches only lone surrogates.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * The first string (key or value) of a parsed body that is not well-formed
 * text, as its bracket-notation param name (content[text]); `replaced` also
 * counts U+FFFD as malformed (the decoder put it where bytes were invalid).
 * Null when every string is well formed.
 */
export function malformedTextParam(value: unknown, replaced: boolean, name = ""): string | null {
  const malformed = (text: string) => LONE_SURROGATE.test(text) || (replaced && text.includes("\ufffd"));
  if (typeof value === "string") return malformed(value) ? name : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const param = name === "" ? key : `${name}[${key}]`;
    if (malformed(key)) return param;
    const found = malformedTextParam(child, replaced, param);
    if (found !== null) return found;
  }
  return null;
}
