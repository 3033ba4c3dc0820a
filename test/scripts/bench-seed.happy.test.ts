// The bench's stored messages (bench/seed-sql.ts) are what the API would
// have stored: the very statement `npm run bench` runs, here on the test's two
// message databases, for an account spread over both. Each row sits on the
// shard its id names, so a retrieve finds it there, and the list merges the
// two shards into the seeded order, newest first.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Seeding, seededId, seedMessagesSql } from "../../bench/seed-sql.ts";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import { createAccount } from "../support/accounts.ts";
import { api, listAll } from "../support/api.ts";

const SPREAD = { home: 0, write: [0, 1], read: [0, 1] };
const COUNT = 7;

async function seededAccount() {
  const account = await createAccount("test", { placement: SPREAD });
  // Seeded ids depend on the time alone: each seeding gets its own second somewhere in 2026.
  const startMs = Date.UTC(2026, 0, 1) + Math.floor(Math.random() * 365 * 86_400) * 1000;
  const seeding: Seeding = { accountId: account.id, count: COUNT, startMs, shards: SPREAD.write };
  for (const [slot, shard] of seeding.shards.entries()) {
    await (env as unknown as Record<string, D1Database>)[`MESSAGES_DB_${shard}`]!.prepare(seedMessagesSql(seeding, slot)).run();
  }
  // Message n was "created" at startMs + n and stored on shard n % 2.
  const ids = Array.from({ length: COUNT }, (_, n) => seededId(seeding, n));
  return { account, ids };
}

describe("the bench's seeded messages", () => {
  it("carry in their ids the shard they are stored on, every other one on each", async () => {
    const { ids } = await seededAccount();
    expect(ids.map(shardOfMessageId)).toEqual([0, 1, 0, 1, 0, 1, 0]);
    for (const id of ids) expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it("are retrieved by id, from the shard the id names, as delivered SMS", async () => {
    const { account, ids } = await seededAccount();
    for (const id of ids) {
      const res = await api(`/v1/messages/${id}`, { key: account.key });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id, channel: "sms", status: "delivered", to: "+14155550123" });
    }
  });

  it("list newest first over both shards, page after page, each once", async () => {
    const { account, ids } = await seededAccount();
    const listed = await listAll<{ id: string }>("/v1/messages", account.key, 3);
    expect(listed.map((message) => message.id)).toEqual([...ids].reverse());
  });
});
