// A whole number in a request body. JSON gives a number; a form carries every
// value as text, so there it must be plain digits ("1e1", "0x2", " 2" are
// typos, not numbers). One rule for both, so both encodings agree.
import { z } from "zod";

/** A whole number from `min` to `max`; `rule` is the message for anything else (e.g. "must be a whole number of seconds from 0 to 60"). */
export function wholeNumber(min: number, max: number, rule = `must be a whole number from ${min} to ${max}`) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(new RegExp(`^[0-9]{1,${String(max).length}}$`), rule)
        .transform(Number),
    ])
    .pipe(z.number().int(rule).min(min, rule).max(max, rule));
}
