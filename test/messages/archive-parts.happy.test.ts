// The archive at any size: a day is cut into parts of at most a part size (a
// small one here), written over several runs; a retrieve reads the one part
// its id falls in (one R2 read, no listing), and the list pages across parts
// and the hot boundary in order, both ways.

import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findAccount } from "../../src/db/accounts.ts";
import { accounts } from "../../src/db/control-schema.ts";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import { readArchivedPart } from "../../src/services/archive-objects.ts";
import { workerControl } from "../../src/services/control.ts";
import { findAccountMessage } from "../../src/services/message-reads.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db, messageCount, messageDb } from "../support/db.ts";
import { archiveAll, dayOf, dayStartDaysAgo, delivered, expireAll, HOUR_MS, idsByPart, ONE_SHARD, pagesOf, partsOf, walk } from "./archive.fixture.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the archive in parts", () => {
  it("cuts a day into parts of at most the part size over several runs; a retrieve reads one part, the list pages across them both ways", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const old = await delivered(account, dayStart + 3 * HOUR_MS, 7);
    const young = await delivered(account, Date.now() - HOUR_MS, 2);
    // One part written per database a run: the day takes three runs at least.
    await archiveAll({ partSize: 3, stepsPerRun: 1 });

    expect(await messageCount(account.id)).toBe(2);
    const day = dayOf(dayStart);
    expect(await idsByPart(account.id, day)).toEqual([old.slice(0, 3), old.slice(3, 6), old.slice(6)]);
    expect((await partsOf(account.id, day)).map(({ part, count, firstId, lastId }) => ({ part, count, firstId, lastId }))).toEqual([
      { part: 0, count: 3, firstId: old[0], lastId: old[2] },
      { part: 1, count: 3, firstId: old[3], lastId: old[5] },
      { part: 2, count: 1, firstId: old[6], lastId: old[6] },
    ]);

    // Each archived message is one R2 read, of its own part, and no listing.
    const owner = (await findAccount(db(), account.id))!;
    const get = vi.spyOn(env.ARCHIVE, "get");
    const list = vi.spyOn(env.ARCHIVE, "list");
    for (const [i, id] of old.entries()) {
      get.mockClear();
      expect(await findAccountMessage(env, owner, id)).toMatchObject({ id, status: "delivered", content: { text: `message ${i}` } });
      expect(get.mock.calls.map(([key]) => key)).toEqual([`${account.id}/0/${day}/${Math.floor(i / 3)}.jsonl.gz`]);
    }
    expect(list).not.toHaveBeenCalled();

    const newestFirst = [...young].reverse().concat([...old].reverse());
    const { forward, back } = await walk(account, 2);
    expect(forward).toEqual(pagesOf(newestFirst, 2));
    expect(back).toEqual(forward.slice(0, -1));
    const filtered = await walk(account, 2, "&status=delivered");
    expect(filtered.forward).toEqual(pagesOf(newestFirst, 2));
  });

  it("a created range past the hot window reads the parts it covers, paged both ways", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const [first, second] = [dayStartDaysAgo(13), dayStartDaysAgo(12)];
    const early = await delivered(account, first + 20 * HOUR_MS, 4);
    const late = await delivered(account, second + HOUR_MS, 4);
    await archiveAll({ partSize: 2 });
    // From the third message of the first day to the second of the next: parts on both sides cut in the middle.
    const gte = Math.floor((first + 20 * HOUR_MS + 2 * 60_000) / 1000);
    const lte = Math.floor((second + HOUR_MS + 60_000) / 1000);
    const { forward, back } = await walk(account, 3, `&created[gte]=${gte}&created[lte]=${lte}`);
    expect(forward).toEqual(pagesOf([late[1]!, late[0]!, early[3]!, early[2]!], 3));
    expect(back).toEqual(forward.slice(0, -1));
  });

  it("cuts a part at its size in characters too: large messages make smaller parts", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(12);
    // About 4,000 characters a row (3,000 of text and the rest of the row): two in 9,000.
    const ids = await delivered(account, dayStart + HOUR_MS, 5, { channel: "email", content: { subject: "Big", text: "x".repeat(3000) } });
    await archiveAll({ partChars: 9_000 });
    expect(await messageCount(account.id)).toBe(0);
    expect(await idsByPart(account.id, dayOf(dayStart))).toEqual(pagesOf(ids, 2));
  });

  it("the parts of one day on two shards interleave in the list as their ids do", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0, 1], read: [0, 1] } });
    const dayStart = dayStartDaysAgo(11);
    // idCreatedAt alternates the write shards: each shard's messages make parts of their own, in id order.
    const old = await delivered(account, dayStart + HOUR_MS, 8);
    await archiveAll({ partSize: 2 });
    expect(await messageCount(account.id)).toBe(0);
    const day = dayOf(dayStart);
    for (const shard of [0, 1]) {
      const onShard = old.filter((id) => shardOfMessageId(id) === shard);
      expect(onShard.length).toBe(4);
      expect(await idsByPart(account.id, day, shard)).toEqual(pagesOf(onShard, 2));
    }
    const { forward, back } = await walk(account, 3);
    expect(forward).toEqual(pagesOf([...old].reverse(), 3));
    expect(back).toEqual(forward.slice(0, -1));
  });

  it("a message that turns final after its day was archived joins the part claiming its id, however full", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(9);
    const ids = await delivered(account, dayStart + HOUR_MS, 6);
    // The third is still sent when the day is archived (only final messages move).
    await messageDb(ids[2]!).$client.prepare("UPDATE messages SET status = 'sent' WHERE id = ?").bind(ids[2]).run();
    await archiveAll({ partSize: 2 });
    const day = dayOf(dayStart);
    expect(await idsByPart(account.id, day)).toEqual([[ids[0], ids[1]], [ids[3], ids[4]], [ids[5]]]);
    expect(await messageCount(account.id)).toBe(1);

    await messageDb(ids[2]!).$client.prepare("UPDATE messages SET status = 'delivered', projection_seq = projection_seq + 1 WHERE id = ?").bind(ids[2]).run();
    await archiveAll({ partSize: 2 });
    expect(await messageCount(account.id)).toBe(0);
    expect(await idsByPart(account.id, day)).toEqual([[ids[0], ids[1], ids[2]], [ids[3], ids[4]], [ids[5]]]);
    expect((await partsOf(account.id, day)).map((part) => part.count)).toEqual([3, 2, 1]);
    const retrieved = await api(`/v1/messages/${ids[2]}`, { key: account.key });
    expect(await retrieved.json()).toMatchObject({ id: ids[2], status: "delivered" });
    expect((await walk(account, 4)).forward).toEqual(pagesOf([...ids].reverse(), 4));
  });

  it("a redaction rewrites the one part holding the message; retention deletes every part of an expired day and its index rows", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const ids = await delivered(account, dayStart + HOUR_MS, 5);
    await archiveAll({ partSize: 2 });
    const day = dayOf(dayStart);

    expect((await api(`/v1/messages/${ids[3]}/redact`, { key: account.key, method: "POST" })).status).toBe(200);
    const part1 = await readArchivedPart(env.ARCHIVE, `${account.id}/0/${day}/1.jsonl.gz`);
    expect(part1?.map((row) => [row.id, row.content])).toEqual([
      [ids[2], { text: "message 2" }],
      [ids[3], {}],
    ]);
    expect((await readArchivedPart(env.ARCHIVE, `${account.id}/0/${day}/0.jsonl.gz`))?.map((row) => row.content)).toEqual([
      { text: "message 0" },
      { text: "message 1" },
    ]);

    expect((await api("/v1/account", { key: account.key, json: { retention_days: 9 } })).status).toBe(200);
    await expireAll();
    expect(await partsOf(account.id, day)).toEqual([]);
    for (const part of [0, 1, 2]) expect(await env.ARCHIVE.head(`${account.id}/0/${day}/${part}.jsonl.gz`)).toBeNull();
    for (const id of ids) expect((await api(`/v1/messages/${id}`, { key: account.key })).status).toBe(404);
  });

  it("a message archived before its account moved to another database is still answered and listed", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const ids = await delivered(account, dayStartDaysAgo(10) + HOUR_MS, 3);
    await archiveAll({ partSize: 2 });
    // Moved off shard 0 since: its messages born there are read on shard 1 (as a finished move leaves it).
    await db()
      .update(accounts)
      .set({ placement: { home: 1, write: [1], read: [1], moved: { "0": 1 } } })
      .where(eq(accounts.id, account.id));
    await workerControl(env).tellGate(account.id, { account: true });
    const moved = { ...account, placement: { home: 1, write: [1], read: [1] } };
    for (const id of ids) expect(await (await api(`/v1/messages/${id}`, { key: account.key })).json()).toMatchObject({ id });
    expect((await walk(moved, 2)).forward).toEqual(pagesOf([...ids].reverse(), 2));
  });
});
