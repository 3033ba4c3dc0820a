// The one rule for every value that ends up in a mail header (an email's
// subject, a From display name, a template variable used in a subject).
// A header ends at a line break, and mail software does not agree on what a
// line break is: besides CR and LF, some treat VT, FF, U+0085 NEXT LINE, U+2028
// LINE SEPARATOR or U+2029 PARAGRAPH SEPARATOR as one, and NUL or ESC cut or
// garble a header in others. So: no control character at all (Unicode
// category Cc: U+0000-U+001F, U+007F-U+009F, which includes TAB and U+0085),
// and neither U+2028 nor U+2029.

// Cc spelled as its two ranges (fixed by Unicode's stability policy), so that
// the pattern reads the same in the API document's JSON Schema as here.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is precisely that these characters are refused.
export const HEADER_SAFE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;

export const HEADER_SAFE_RULE = "must not contain line breaks, line or paragraph separators, or control characters";

/** Whether the value can go into a mail header as it is. */
export function isHeaderSafe(value: string): boolean {
  return HEADER_SAFE.test(value);
}
