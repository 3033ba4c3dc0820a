// Stored messages for the read benchmarks, written straight into the bench's
// local message databases with one SQL statement per account and shard:
// SQLite generates the rows itself (a recursive CTE), so 200,000 of them take
// seconds, and no API that production could expose is involved.
import { type D1Target, executeSql, quote } from "../scripts/d1.ts";
import { renderDirect } from "../src/domain/message.ts";

const SEEDED_CONTENT = { text: "Your code is 849201" };

/** Where seeded messages go: message `n` to `shards[n % shards.length]`, so a spread account's shards interleave in time. */
export interface Seeding {
  accountId: string;
  count: number;
  /** The first message's "creation" time; each next one is a millisecond later. */
  startMs: number;
  shards: number[];
}

/** The shard seeded message number `n` is stored on. */
function shardOf(seeding: Seeding, n: number): number {
  return seeding.shards[n % seeding.shards.length]!;
}

/**
 * The id of seeded message number `n` (0-based): msg_ + a UUIDv7-shaped hex
 * string whose timestamp is `startMs + n`, so ids sort by "creation" exactly
 * as real ones do, and whose last four hex digits are the shard it is stored
 * on, as a real id's are (src/domain/ids.ts). The SQL below builds the same string.
 */
export function seededId(seeding: Seeding, n: number): string {
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, "0");
  return `msg_${hex(seeding.startMs + n, 12)}7000${hex(0x8000 + (n % 0x4000), 4)}${hex(n, 8)}${hex(shardOf(seeding, n), 4)}`;
}

/** Inserts the account's delivered SMS messages, each into the message database (MESSAGES_DB_N) its id names. */
export function seedMessages(target: D1Target, seeding: Seeding): void {
  seeding.shards.forEach((shard, i) => {
    executeSql({ ...target, binding: `MESSAGES_DB_${shard}` }, seedMessagesSql(seeding, i));
  });
}

/**
 * The statement that writes the messages of `seeding.shards[slot]` (every
 * shards.length-th message from number `slot` on); npm run capacity runs it on
 * a plain SQLite copy of the message schema.
 */
export function seedMessagesSql(seeding: Seeding, slot = 0): string {
  const { accountId, count, startMs, shards } = seeding;
  const createdAt = `(${startMs} + n) / 1000`;
  return `WITH RECURSIVE seq(n) AS (SELECT ${slot} UNION ALL SELECT n + ${shards.length} FROM seq WHERE n + ${shards.length} < ${count})
     INSERT INTO messages (id, account_id, mode, channel, "to", "from", content, rendered, status, status_callback,
                           created_at, delivered_at, provider_latency_ms, updated_at, from_id)
     SELECT printf('msg_%012x7000%04x%08x%04x', ${startMs} + n, 32768 + n % 16384, n, ${shards[slot]!}), ${quote(accountId)}, 'test', 'sms',
            '+14155550123', '+15005550006', ${quote(JSON.stringify(SEEDED_CONTENT))}, ${quote(JSON.stringify(renderDirect("sms", SEEDED_CONTENT)))},
            'delivered', NULL, ${createdAt}, ${createdAt} + 1, 1000, ${createdAt} + 1, NULL
     FROM seq WHERE n < ${count}`;
}
