// The seed statement of the bench's stored messages (seed.ts runs it through
// wrangler; npm run capacity on a plain SQLite file; a test on the test
// databases): a recursive CTE generating delivered SMS rows whose ids are
// shaped like real ones. Imports nothing of Node, so the Workers runtime can run it too.
import { renderDirect } from "../src/domain/message.ts";

/** SQL string literal, for the values generated here. */
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

const SEEDED_CONTENT = { text: "Your code is 849201" };

/** Where seeded messages go: message `n` to `shards[n % shards.length]`, so a spread account's shards interleave in time. */
export interface Seeding {
  accountId: string;
  count: number;
  /** The first message's "creation" time; each next one is a millisecond later. */
  startMs: number;
  shards: number[];
  /** Each message with metadata { order_id: "O<n>", tier: "pro" (even n) or "free" } (the metadata filter's bench row). */
  withMetadata?: boolean;
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

/**
 * The statement that writes the messages of `seeding.shards[slot]` (every
 * shards.length-th message from number `slot` on); npm run capacity runs it on
 * a plain SQLite copy of the message schema.
 */
export function seedMessagesSql(seeding: Seeding, slot = 0): string {
  const { accountId, count, startMs, shards } = seeding;
  const createdAt = `(${startMs} + n) / 1000`;
  // Its keys reach message_metadata through the insert's trigger, as a create's do.
  const metadata = seeding.withMetadata ? "json_object('order_id', 'O' || n, 'tier', CASE n % 2 WHEN 0 THEN 'pro' ELSE 'free' END)" : "NULL";
  return `WITH RECURSIVE seq(n) AS (SELECT ${slot} UNION ALL SELECT n + ${shards.length} FROM seq WHERE n + ${shards.length} < ${count})
     INSERT INTO messages (id, account_id, mode, channel, "to", "from", content, rendered, status, status_callback,
                           created_at, delivered_at, provider_latency_ms, updated_at, from_id, metadata)
     SELECT printf('msg_%012x7000%04x%08x%04x', ${startMs} + n, 32768 + n % 16384, n, ${shards[slot]!}), ${literal(accountId)}, 'test', 'sms',
            '+14155550123', '+15005550006', ${literal(JSON.stringify(SEEDED_CONTENT))}, ${literal(JSON.stringify(renderDirect("sms", SEEDED_CONTENT)))},
            'delivered', NULL, ${createdAt}, ${createdAt} + 1, 1000, ${createdAt} + 1, NULL, ${metadata}
     FROM seq WHERE n < ${count}`;
}
