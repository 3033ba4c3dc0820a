// Stored messages for the read benchmarks, written straight into the bench's
// local D1 with one SQL statement per account: SQLite generates the rows
// itself (a recursive CTE), so 200,000 of them take seconds, and no API that
// production could expose is involved.
import { type D1Target, executeSql, quote } from "../scripts/d1.ts";
import { renderDirect } from "../src/domain/message.ts";

const SEEDED_CONTENT = { text: "Your code is 849201" };

/**
 * The id of seeded message number `n` (0-based): msg_ + a UUIDv7-shaped hex
 * string whose timestamp is `startMs + n`, so ids sort by "creation" exactly as
 * real ones do. The SQL below builds the same string.
 */
export function seededId(startMs: number, n: number): string {
  const time = (startMs + n).toString(16).padStart(12, "0");
  return `msg_${time}7000${(0x8000 + (n % 0x4000)).toString(16)}${n.toString(16).padStart(12, "0")}`;
}

/** Inserts `count` delivered SMS messages for the account, one millisecond apart from `startMs` on. */
export function seedMessages(target: D1Target, accountId: string, count: number, startMs: number): void {
  executeSql(target, seedMessagesSql(accountId, count, startMs));
}

/** The one statement seedMessages runs (npm run capacity runs it on a plain SQLite copy of the schema). */
export function seedMessagesSql(accountId: string, count: number, startMs: number): string {
  const createdAt = `(${startMs} + n) / 1000`;
  return `WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ${count})
     INSERT INTO messages (id, account_id, mode, channel, "to", "from", content, rendered, status, status_callback,
                           created_at, delivered_at, provider_latency_ms, updated_at)
     SELECT printf('msg_%012x7000%04x%012x', ${startMs} + n, 32768 + n % 16384, n), ${quote(accountId)}, 'test', 'sms',
            '+14155550123', 'OmniFlow', ${quote(JSON.stringify(SEEDED_CONTENT))}, ${quote(JSON.stringify(renderDirect("sms", SEEDED_CONTENT)))},
            'delivered', NULL, ${createdAt}, ${createdAt} + 1, 1000, ${createdAt} + 1
     FROM seq`;
}
