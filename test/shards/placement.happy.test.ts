// Two message databases run in the tests, as wrangler.toml declares: a message
// lives on the shard its id names and nowhere else, a keyed create on the
// account's home with its key, and every database has its own migrations.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { idempotencyKeys, messages } from "../../src/db/message-schema.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { workerControl } from "../../src/services/control.ts";
import { measureShards } from "../../src/services/shard-sizes.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage, smsBody } from "../support/messages.ts";

const rowOn = async (shard: number, id: string) => (await shardDatabase(env, shard).select().from(messages).where(eq(messages.id, id)))[0];

describe("messages on two shards", () => {
  it.each([0, 1])("stores an account's message on its home shard %i, and only there, and retrieves it by id", async (shard) => {
    const account = await createAccount("test", { placement: homedOn(shard) });
    const created = await createMessage(account, smsBody());
    expect(created.id).toMatch(new RegExp(`^msg_[0-9a-f]{28}${shard.toString(16).padStart(4, "0")}$`));
    expect(await rowOn(shard, created.id)).toMatchObject({ accountId: account.id, status: "queued" });
    expect(await rowOn(1 - shard, created.id)).toBeUndefined();
    const res = await api(`/v1/messages/${created.id}`, { key: account.key });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: created.id, to: "+14155550123" });
  });

  it("stores a keyed create on the account's home shard, beside its key", async () => {
    const account = await createAccount("test", { placement: { home: 1, write: [0, 1], read: [0, 1] } });
    const keyed = await api("/v1/messages", { key: account.key, json: smsBody(), headers: { "Idempotency-Key": "home-1" } });
    const { id } = await keyed.json<{ id: string }>();
    expect(shardOfMessageId(id)).toBe(1);
    const [key] = await shardDatabase(env, 1).select().from(idempotencyKeys).where(eq(idempotencyKeys.accountId, account.id));
    expect(key).toMatchObject({ key: "home-1", messageId: id });
    const replay = await api("/v1/messages", { key: account.key, json: smsBody(), headers: { "Idempotency-Key": "home-1" } });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<{ id: string }>()).id).toBe(id);
  });
});

describe("the databases", () => {
  it("has every message database migrated, and the control database without messages", async () => {
    const names = env.TEST_MESSAGE_MIGRATIONS.map((migration) => migration.name);
    for (const binding of [env.MESSAGES_DB_0, env.MESSAGES_DB_1]) {
      const tables = await binding.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>();
      expect(tables.results.map((row) => row.name)).toEqual(expect.arrayContaining(["messages", "idempotency_keys"]));
      const applied = await binding.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>();
      expect(applied.results.map((row) => row.name)).toEqual(names);
    }
    const control = await env.CONTROL_DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>();
    const controlTables = control.results.map((row) => row.name);
    expect(controlTables).toEqual(expect.arrayContaining(["accounts", "message_shards"]));
    expect(controlTables).not.toContain("messages");
    const shards = await env.CONTROL_DB.prepare("SELECT shard FROM message_shards ORDER BY shard").all<{ shard: number }>();
    expect(shards.results.map((row) => row.shard)).toEqual([0, 1]);
  });

  it("measures each shard's size into the shard map", async () => {
    const account = await createAccount("test", { placement: homedOn(1) });
    await createMessage(account, smsBody());
    const sizes = await measureShards(env, workerControl(env), Date.now());
    expect(sizes.map((size) => size.shard)).toEqual([0, 1]);
    for (const { sizeBytes } of sizes) expect(sizeBytes).toBeGreaterThan(0);
    const stored = await env.CONTROL_DB.prepare("SELECT shard, size_bytes FROM message_shards ORDER BY shard").all<{ shard: number; size_bytes: number }>();
    expect(stored.results.map((row) => row.size_bytes)).toEqual(sizes.map((size) => size.sizeBytes));
  });
});
