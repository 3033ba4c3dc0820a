// The archive in parts when a run dies midway: after a part's object is
// written and before its index row is saved, a new part's or a rewritten one's.
// The rows stay in D1 and are read from there, and the runs after it hold each
// message in exactly one part.

import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageCount, messageDb } from "../support/db.ts";
import { archiveAll, dayOf, dayStartDaysAgo, delivered, HOUR_MS, idsByPart, ONE_SHARD, pagesOf, partsOf, walk } from "./archive.fixture.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The run dies right after R2 stored the object `key` (once): the object is written, nothing after it is. */
function crashAfterPut(key: string): void {
  const put = env.ARCHIVE.put.bind(env.ARCHIVE);
  let crashed = false;
  vi.spyOn(env.ARCHIVE, "put").mockImplementation(async (...args: Parameters<R2Bucket["put"]>) => {
    const stored = await put(...args);
    if (args[0] === key && !crashed) {
      crashed = true;
      throw new Error("the run died here");
    }
    return stored;
  });
}

/** Every message of the account, listed once each, newest first, each retrieved. */
async function expectEachOnce(account: TestAccount, ids: string[]): Promise<void> {
  const { forward } = await walk(account, 2);
  expect(forward.flat()).toEqual([...ids].reverse());
  for (const id of ids) expect((await api(`/v1/messages/${id}`, { key: account.key })).status).toBe(200);
}

const setStatus = (id: string, status: string) =>
  messageDb(id).$client.prepare("UPDATE messages SET status = ?, projection_seq = projection_seq + 1 WHERE id = ?").bind(status, id).run();

describe("the archive's run dying midway", () => {
  it("after a new part's object is written, before its index row: the next runs write it again, each message once", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const ids = await delivered(account, dayStart + HOUR_MS, 5);
    const day = dayOf(dayStart);
    crashAfterPut(`${account.id}/0/${day}/1.jsonl.gz`);
    await expect(archiveAll({ partSize: 2 })).rejects.toThrow("the run died here");

    // Part 1's object is there, its index row is not, and its rows are still in D1.
    expect(await env.ARCHIVE.head(`${account.id}/0/${day}/1.jsonl.gz`)).not.toBeNull();
    expect((await partsOf(account.id, day)).map((part) => part.part)).toEqual([0]);
    expect(await messageCount(account.id)).toBe(3);
    await expectEachOnce(account, ids);

    await archiveAll({ partSize: 2 });
    expect(await messageCount(account.id)).toBe(0);
    expect(await idsByPart(account.id, day)).toEqual(pagesOf(ids, 2));
    await expectEachOnce(account, ids);
  });

  it("after the day's last part is rewritten with a row, before its index row says so: the row stays in that part alone", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const ids = await delivered(account, dayStart + HOUR_MS, 4);
    await setStatus(ids[2]!, "sent");
    await setStatus(ids[3]!, "sent");
    await archiveAll({ partSize: 3 });
    const day = dayOf(dayStart);
    expect(await idsByPart(account.id, day)).toEqual([[ids[0], ids[1]]]);

    // Both turn final; part 0 has room for one, and the run dies once its object holds it.
    await setStatus(ids[2]!, "delivered");
    await setStatus(ids[3]!, "delivered");
    crashAfterPut(`${account.id}/0/${day}/0.jsonl.gz`);
    await expect(archiveAll({ partSize: 3 })).rejects.toThrow("the run died here");
    expect(await idsByPart(account.id, day)).toEqual([[ids[0], ids[1], ids[2]]]);
    expect((await partsOf(account.id, day)).map(({ count, lastId }) => ({ count, lastId }))).toEqual([{ count: 2, lastId: ids[1] }]);
    expect(await messageCount(account.id)).toBe(2);
    await expectEachOnce(account, ids);

    await archiveAll({ partSize: 3 });
    expect(await messageCount(account.id)).toBe(0);
    expect(await idsByPart(account.id, day)).toEqual([[ids[0], ids[1], ids[2]], [ids[3]]]);
    await expectEachOnce(account, ids);
  });

  it("after such a rewrite, when an earlier row turns final before the next run: the part is cut back, its row goes to the next part alone", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const ids = await delivered(account, dayStart + HOUR_MS, 4);
    await setStatus(ids[2]!, "sent");
    await setStatus(ids[3]!, "sent");
    await archiveAll({ partSize: 3 });
    const day = dayOf(dayStart);

    await setStatus(ids[3]!, "delivered");
    crashAfterPut(`${account.id}/0/${day}/0.jsonl.gz`);
    await expect(archiveAll({ partSize: 3 })).rejects.toThrow("the run died here");
    expect(await idsByPart(account.id, day)).toEqual([[ids[0], ids[1], ids[3]]]);

    // The one before it turns final: part 0 is full now with what its object holds, and takes neither.
    await setStatus(ids[2]!, "delivered");
    await archiveAll({ partSize: 3 });
    expect(await messageCount(account.id)).toBe(0);
    expect(await idsByPart(account.id, day)).toEqual([
      [ids[0], ids[1]],
      [ids[2], ids[3]],
    ]);
    await expectEachOnce(account, ids);
  });
});
