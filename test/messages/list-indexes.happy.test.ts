// The indexes of `messages` against what they cost and what they serve. D1
// bills each index entry an insert or an update writes as a row written
// (meta.rows_written counts them), so the table keeps only the indexes a
// list filter, the reconciler, retention or a move needs; and every filter
// the list offers still reads an index, not the table, at 200,000 messages.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seededId, seedMessagesSql } from "../../bench/seed-sql.ts";
import { messages } from "../../src/db/message-schema.ts";
import { type MessageFilters, messagePageQuery } from "../../src/db/messages.ts";
import { type Projection, writeProjections } from "../../src/db/projections.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import type { Cursor } from "../../src/domain/cursor.ts";
import { newId, newMessageId } from "../../src/domain/ids.ts";

const db = shardDatabase(env, 0);

describe("rows written per message", () => {
  it("an SMS's insert writes 5 rows and each status projection 2, plus what the usage rollups' triggers write", async () => {
    const id = newMessageId(0);
    const accountId = newId("acct");
    const row = {
      id,
      accountId,
      mode: "test" as const,
      channel: "sms" as const,
      to: "+14155550123",
      from: "+15005550006",
      content: { text: "hi" },
      createdAt: 1,
    };
    const inserted = await db.insert(messages).values(row).run();
    // The row (the table is its primary key: WITHOUT ROWID, so no separate entry), and its entries in
    // (account_id, id), (account_id, channel, id), (account_id, to, id) and the partial index of queued rows (the
    // status index holds every status but queued): 5; and 2 more that the usage rollups' insert trigger writes
    // (migrations/messages/0006_usage_rollups.sql).
    expect(inserted.meta.rows_written).toBe(5 + 2);

    const batch = vi.spyOn(env.MESSAGES_DB_0, "batch");
    const projection = (status: Projection["status"], seq: number): Projection => ({
      messageId: id,
      accountId,
      seq,
      status,
      deliveredAt: status === "delivered" ? 2 : null,
      providerLatencyMs: null,
      errorCode: null,
      errorMessage: null,
      attempts: null,
      deliveredChannel: status === "delivered" ? "sms" : null,
      redactedAt: null,
      price: null,
      priceStatus: null,
    });
    for (const [seq, status] of (["sent", "delivered"] as const).entries()) await writeProjections(db, [projection(status, seq + 1)], 2);
    const written = await Promise.all(batch.mock.results.map((result) => result.value as Promise<D1Result[]>));
    batch.mockRestore();
    // The row and its entry in (account_id, status, id): leaving the queued rows' index writes nothing (a removed
    // entry is no row written), and so does sent -> delivered in it but the new entry; and 3
    // more that the usage rollups' update trigger writes, moving the message between its statuses' rollups.
    expect(written.map((results) => results.reduce((sum, result) => sum + result.meta.rows_written, 0))).toEqual([2 + 3, 2 + 3]);
  });
});

describe("rows written per metadata key", () => {
  it("a key's row in message_metadata (what the insert trigger writes for each key) is one row written, its primary key being the table", async () => {
    const written = await env.MESSAGES_DB_0.prepare("INSERT INTO message_metadata (account_id, key, value, message_id) VALUES (?, 'order', 'o-1', ?)")
      .bind(newId("acct"), newMessageId(0))
      .run();
    expect(written.meta.rows_written).toBe(1);
  });
});

describe("rows written per verification", () => {
  it("a verification's first row writes the row and its 3 index entries, its primary key being the table", async () => {
    const written = await env.MESSAGES_DB_0.prepare(
      `INSERT INTO verifications (id, account_id, mode, "to", status, steps, sends, code_length, locale, check_attempts_remaining,
         created_at, expires_at, updated_at, version) VALUES (?, ?, 'test', '+14155550123', 'pending', '[]', '[]', 6, 'en', 5, 1, 2, 1, 1)`,
    )
      .bind(newId("vrf"), newId("acct"))
      .run();
    expect(written.meta.rows_written).toBe(1 + 3);
  });
});

describe("every list filter is served by an index at 200,000 messages", () => {
  const COUNT = 200_000;
  // Seeded and removed 10,000 at a time: the test files share the local D1, and one 200,000-row statement would hold
  // its write lock long enough to stall other files' messages.
  const CHUNK = 10_000;
  const accountId = newId("acct");
  // Recent, so no retention run of another test file takes them; chunk k holds messages k * CHUNK ... of one timeline.
  const startMs = Date.now() - 3_600_000;
  const chunk = (k: number) => ({ accountId, count: CHUNK, startMs: startMs + k * CHUNK, shards: [0] });
  const deep = { id: seededId(chunk(COUNT / CHUNK / 2), 0), dir: "next" as const };

  beforeAll(async () => {
    for (let k = 0; k < COUNT / CHUNK; k++) await env.MESSAGES_DB_0.prepare(seedMessagesSql(chunk(k))).run();
    // One message in a thousand is each of the rarer kinds a filter asks for.
    const rare = "account_id = ? AND CAST(substr(id, -12, 8) AS INTEGER) % 1000 = 7";
    await env.MESSAGES_DB_0.prepare(
      `UPDATE messages SET status = 'failed', channel = 'whatsapp', direction = 'inbound', "to" = '+14155550999', metadata = '{"order":"o-7"}' WHERE ${rare}`,
    )
      .bind(accountId)
      .run();
    // And one in a thousand still queued (the queued rows' own index), touched a day ahead so that no other file's
    // reconciler run takes them for stuck ones.
    await env.MESSAGES_DB_0.prepare(
      "UPDATE messages SET status = 'queued', updated_at = unixepoch() + 86400 WHERE account_id = ? AND CAST(substr(id, -12, 8) AS INTEGER) % 1000 = 8",
    )
      .bind(accountId)
      .run();
    // The metadata filter's index rows, as the insert trigger writes them for a message created with metadata.
    await env.MESSAGES_DB_0.prepare(
      `INSERT INTO message_metadata (account_id, key, value, message_id) SELECT account_id, 'order', 'o-7', id FROM messages WHERE ${rare}`,
    )
      .bind(accountId)
      .run();
  }, 120_000);

  afterAll(async () => {
    const remove = env.MESSAGES_DB_0.prepare(`DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE account_id = ? LIMIT ${CHUNK})`).bind(accountId);
    while ((await remove.run()).meta.changes > 0);
  }, 120_000);

  const LIMIT = 20;
  async function page(filters: MessageFilters, cursor: Cursor | null) {
    const query = messagePageQuery(db, accountId, filters, LIMIT, cursor).toSQL();
    const { results } = await env.MESSAGES_DB_0.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    const run = await env.MESSAGES_DB_0.prepare(query.sql)
      .bind(...query.params)
      .all();
    return { plan: results.map((row) => row.detail).join("; "), rowsRead: run.meta.rows_read, rows: run.results.length };
  }

  it.each<[string, MessageFilters, string]>([
    ["none", {}, "messages_account_id_idx"],
    ["status, rare", { status: "failed" }, "messages_account_status_idx"],
    ["status, common", { status: "delivered" }, "messages_account_status_idx"],
    ["status=queued", { status: "queued" }, "messages_queued_idx"],
    ["channel, rare", { channel: "whatsapp" }, "messages_account_channel_idx"],
    ["channel, common", { channel: "sms" }, "messages_account_channel_idx"],
    ["to", { to: "+14155550999" }, "messages_account_to_idx"],
    ["direction=inbound", { direction: "inbound" }, "messages_account_inbound_idx"],
    ["direction=outbound", { direction: "outbound" }, "messages_account_id_idx"],
    ["metadata", { metadata: { order: "o-7" } }, "message_metadata's primary key"],
    ["created range", { createdGte: Math.floor(startMs / 1000), createdLte: Math.floor(startMs / 1000) + 150 }, "messages_account_id_idx"],
  ])("%s: %o reads %s, in list order, a page's worth of rows on the first page and deep both ways", async (_, filters, index) => {
    for (const cursor of [null, deep, { ...deep, dir: "prev" as const }]) {
      const { plan, rowsRead, rows } = await page(filters, cursor);
      // message_metadata and messages are WITHOUT ROWID: their own primary key is the table.
      expect(plan).toMatch(index.endsWith("primary key") ? /SEARCH driver USING PRIMARY KEY/ : new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
      expect(plan).not.toContain("TEMP B-TREE");
      // A page reads its rows (and, for a filter checked on the rows, the few it skips), never the account's 200,000.
      expect(rows).toBeGreaterThan(0);
      expect(rowsRead).toBeLessThanOrEqual(4 * (LIMIT + 1));
    }
  });
});
