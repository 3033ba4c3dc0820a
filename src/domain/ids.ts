import { uuidv7 } from "uuidv7";

// Public ids are a type prefix plus a UUIDv7 in hex: unique, and ordered by
// creation time (the generator is monotonic within an isolate), so sorting
// messages by id sorts them by creation time.
export function newId(prefix: "msg" | "acct" | "key" | "evt" | "snd"): string {
  return `${prefix}_${uuidv7().replaceAll("-", "")}`;
}

export function idPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[0-9a-f]{32}$`);
}

export function isId(prefix: string, value: string): boolean {
  return idPattern(prefix).test(value);
}

export function unixSeconds(ms: number = Date.now()): number {
  return Math.floor(ms / 1000);
}
