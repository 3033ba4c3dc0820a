// migrations/messages/0008_usage_born_on: the usage rollups gain the shard each
// message was born on and the archive's flag. Run on a database holding
// rollups of the 0006 shape (messages counted by the old triggers, and the
// usage of a message the archive took out of D1), it must keep every group's
// figures, count the rows again under their ids' shards, and keep what only
// the rollups knew (the archived message) as archived. The migrations run on
// a private SQLite (a Durable Object's storage): the test D1s are shared
// with every other test file, and their schema must not change under them.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const byName = (prefix: string) => env.TEST_MESSAGE_MIGRATIONS.filter((migration) => migration.name.startsWith(prefix));
const upTo0007 = env.TEST_MESSAGE_MIGRATIONS.filter((migration) => migration.name < "0008");

function run(sql: SqlStorage, queries: string[]): void {
  // D1 takes PRAGMA foreign_keys, a Durable Object's SQLite does not (no foreign keys are involved).
  for (const query of queries) if (!/^\s*PRAGMA foreign_keys/.test(query)) sql.exec(query);
}

const MESSAGE =
  "INSERT INTO messages (id, account_id, mode, direction, channel, status, created_at, updated_at, segments, price, price_unit, metadata, \"to\", \"from\", content) VALUES (?, ?, 'test', ?, ?, ?, ?, ?, ?, ?, 'USD', ?, '+14155550123', '+14155550100', '{}')";
// 2026-12-01T00:00:00Z and the day after.
const DAY_1 = 1_796_083_200;
const DAY_2 = DAY_1 + 86_400;

describe("the usage rollups' migration to born_on and archived", () => {
  it("keeps every group's figures, recounts the rows under their shards and keeps the archive's usage as archived", async () => {
    const stub = env.ACCOUNT_GATE.getByName(`rollups-migration-${crypto.randomUUID()}`);
    const result = await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      for (const migration of upTo0007) run(sql, migration.queries);
      // Two accounts' messages, born on shards 0 and 1 (the ids' last 4 hex digits), counted by the 0006 triggers.
      sql.exec(MESSAGE, "msg_a0000", "acct_a", "outbound", "sms", "delivered", DAY_1, DAY_1, 2, 158, JSON.stringify({ team: "growth" }));
      sql.exec(MESSAGE, "msg_a0001", "acct_a", "outbound", "sms", "delivered", DAY_1, DAY_1, 1, 79, null);
      sql.exec(MESSAGE, "msg_b0001", "acct_a", "outbound", "sms", "sent", DAY_2, DAY_2, 3, 237, JSON.stringify({ team: "ops" }));
      sql.exec(MESSAGE, "msg_c0000", "acct_b", "outbound", "email", "delivered", DAY_1, DAY_1, 0, 9, null);
      sql.exec(MESSAGE, "msg_d0000", "acct_a", "inbound", "sms", "received", DAY_1, DAY_1, 1, null, null);
      // The archive took one out of D1 and added its usage back (src/db/archive.ts as it was with 0006).
      sql.exec(MESSAGE, "msg_e0000", "acct_a", "outbound", "sms", "delivered", DAY_1, DAY_1, 2, 160, JSON.stringify({ team: "growth" }));
      sql.exec("DELETE FROM messages WHERE id = 'msg_e0000'");
      sql.exec(
        "INSERT INTO usage_rollups (account_id, day, channel, country, api_key_id, status, price_unit, count, segments, price) VALUES ('acct_a', '2026-12-01', 'sms', '', '', 'delivered', 'USD', 1, 2, 160) ON CONFLICT DO UPDATE SET count = count + 1, segments = segments + 2, price = price + 160",
      );
      sql.exec(
        "INSERT INTO usage_metadata_rollups (account_id, key, value, day, channel, country, status, price_unit, count, segments, price) VALUES ('acct_a', 'team', 'growth', '2026-12-01', 'sms', '', 'delivered', 'USD', 1, 2, 160) ON CONFLICT DO UPDATE SET count = count + 1, segments = segments + 2, price = price + 160",
      );
      const groups = (table: string, key: string) =>
        sql.exec(`SELECT ${key}, sum(count) AS count, sum(segments) AS segments, sum(price) AS price FROM ${table} GROUP BY ${key} ORDER BY ${key}`).toArray();
      const USAGE_KEY = "account_id, day, channel, country, api_key_id, status, price_unit";
      const METADATA_KEY = "account_id, key, value, day, channel, country, status, price_unit";
      const old = { usage: groups("usage_rollups", USAGE_KEY), metadata: groups("usage_metadata_rollups", METADATA_KEY) };

      for (const migration of byName("0008")) run(sql, migration.queries);
      const migrated = { usage: groups("usage_rollups", USAGE_KEY), metadata: groups("usage_metadata_rollups", METADATA_KEY) };
      const rows = (table: string) =>
        sql
          .exec(`SELECT account_id, day, status, born_on, archived, count, segments, price FROM ${table} ORDER BY account_id, day, born_on, archived`)
          .toArray();
      const recounted = { usage: rows("usage_rollups"), metadata: rows("usage_metadata_rollups") };

      // The triggers after it: a create, a status change and a delete each move the figures under the id's shard.
      sql.exec(MESSAGE, "msg_f0001", "acct_b", "outbound", "sms", "sent", DAY_2, DAY_2, 1, 79, JSON.stringify({ team: "ops" }));
      sql.exec("UPDATE messages SET status = 'delivered' WHERE id = 'msg_f0001'");
      sql.exec("DELETE FROM messages WHERE id = 'msg_a0001'");
      const after = {
        usage: sql
          .exec("SELECT account_id, status, born_on, archived, count, price FROM usage_rollups WHERE day = '2026-12-02' OR born_on = '0001' ORDER BY 1, 2, 3")
          .toArray(),
        metadata: sql
          .exec("SELECT account_id, value, status, born_on, count, price FROM usage_metadata_rollups WHERE account_id = 'acct_b' ORDER BY status")
          .toArray(),
        triggers: sql
          .exec("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'usage%' ORDER BY name")
          .toArray()
          .map((row) => row.name),
      };
      return { old, migrated, recounted, after };
    });

    expect(result.migrated).toEqual(result.old);
    expect(result.recounted.usage).toEqual([
      { account_id: "acct_a", day: "2026-12-01", status: "delivered", born_on: "", archived: 1, count: 1, segments: 2, price: 160 },
      { account_id: "acct_a", day: "2026-12-01", status: "delivered", born_on: "0000", archived: 0, count: 1, segments: 2, price: 158 },
      { account_id: "acct_a", day: "2026-12-01", status: "delivered", born_on: "0001", archived: 0, count: 1, segments: 1, price: 79 },
      { account_id: "acct_a", day: "2026-12-02", status: "sent", born_on: "0001", archived: 0, count: 1, segments: 3, price: 237 },
      { account_id: "acct_b", day: "2026-12-01", status: "delivered", born_on: "0000", archived: 0, count: 1, segments: 0, price: 9 },
    ]);
    expect(result.recounted.metadata).toEqual([
      { account_id: "acct_a", day: "2026-12-01", status: "delivered", born_on: "", archived: 1, count: 1, segments: 2, price: 160 },
      { account_id: "acct_a", day: "2026-12-01", status: "delivered", born_on: "0000", archived: 0, count: 1, segments: 2, price: 158 },
      { account_id: "acct_a", day: "2026-12-02", status: "sent", born_on: "0001", archived: 0, count: 1, segments: 3, price: 237 },
    ]);
    expect(result.after.usage).toEqual([
      { account_id: "acct_a", status: "delivered", born_on: "0001", archived: 0, count: 0, price: 0 },
      { account_id: "acct_a", status: "sent", born_on: "0001", archived: 0, count: 1, price: 237 },
      { account_id: "acct_b", status: "delivered", born_on: "0001", archived: 0, count: 1, price: 79 },
      { account_id: "acct_b", status: "sent", born_on: "0001", archived: 0, count: 0, price: 0 },
    ]);
    expect(result.after.metadata).toEqual([
      { account_id: "acct_b", value: "ops", status: "delivered", born_on: "0001", count: 1, price: 79 },
      { account_id: "acct_b", value: "ops", status: "sent", born_on: "0001", count: 0, price: 0 },
    ]);
    expect(result.after.triggers).toEqual([
      "usage_metadata_rollups_delete",
      "usage_metadata_rollups_insert",
      "usage_metadata_rollups_update",
      "usage_rollups_delete",
      "usage_rollups_insert",
      "usage_rollups_update",
    ]);
  });
});
