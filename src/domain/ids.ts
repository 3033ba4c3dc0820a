import { uuidv7 } from "uuidv7";

type IdPrefix = "msg" | "acct" | "key" | "evt" | "snd" | "cu" | "sup";

// Public ids are a type prefix plus a UUIDv7 in hex: unique, and ordered by
// creation time (the generator is monotonic within an isolate), so sorting
// messages by id sorts them by creation time.
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${uuidv7().replaceAll("-", "")}`;
}

export function idPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[0-9a-f]{32}$`);
}

export function unixSeconds(ms: number = Date.now()): number {
  return Math.floor(ms / 1000);
}

// A UUIDv7 starts with its 48-bit Unix timestamp in milliseconds: 12 hex digits.
const TIMESTAMP_HEX_DIGITS = 12;

/** The creation time (Unix ms) written into an id by newId. */
export function idTimestampMs(id: string): number {
  const hex = id.slice(id.indexOf("_") + 1, id.indexOf("_") + 1 + TIMESTAMP_HEX_DIGITS);
  return Number.parseInt(hex, 16);
}

/** The smallest possible id of this type created at or after `ms`: ids compare as strings in time order. */
export function firstIdAt(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${ms.toString(16).padStart(TIMESTAMP_HEX_DIGITS, "0")}`;
}
