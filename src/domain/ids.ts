import { uuidv7 } from "uuidv7";

type IdPrefix = "msg" | "acct" | "key" | "evt" | "snd" | "cu" | "sup" | "bat" | "we" | "whd" | "vrf";

// Public ids are a type prefix plus a UUIDv7 in hex: unique, and ordered by
// creation time (the generator is monotonic within an isolate), so sorting
// messages by id sorts them by creation time.
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${uuidv7().replaceAll("-", "")}`;
}

// A message id's last four hex digits are the shard it was created on: the
// UUIDv7's timestamp and counter lead, so ids still sort by creation time,
// and 16 of its 32 random bits remain.
const SHARD_HEX_DIGITS = 4;
const MAX_SHARD = 0xffff;

/** A new message id on `shard` (see newId). */
export function newMessageId(shard: number): string {
  return newShardedId("msg", shard);
}

/** A new id of a resource stored on a message database (a message, a verification), ending in its shard. */
export function newShardedId(prefix: IdPrefix, shard: number): string {
  if (!Number.isInteger(shard) || shard < 0 || shard > MAX_SHARD) throw new RangeError(`shard ${shard} is outside 0-${MAX_SHARD}`);
  return newId(prefix).slice(0, -SHARD_HEX_DIGITS) + shardSuffix(shard);
}

/** How the ids of messages created on `shard` end. */
export function shardSuffix(shard: number): string {
  return shard.toString(16).padStart(SHARD_HEX_DIGITS, "0");
}

/** The shard a message id was created on. */
export function shardOfMessageId(id: string): number {
  return Number.parseInt(id.slice(-SHARD_HEX_DIGITS), 16);
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
