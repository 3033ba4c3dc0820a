// GET /v1/messages: newest first, keyset pagination that walks every message
// exactly once in both directions, also while messages arrive, when several
// share a created_at second, and when the account's messages are on two shards.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import { homedOn, type Placement } from "../../src/domain/placement.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb } from "../support/db.ts";
import { createMessages, listMessages, pageIds, walkBackward, walkForward } from "../support/messages.ts";

describe("GET /v1/messages", () => {
  it("answers an empty list for an account without messages", async () => {
    const account = await createAccount();
    expect(await listMessages(account.key)).toEqual({ object: "list", data: [], next_cursor: null, prev_cursor: null, has_more: false });
  });

  it("answers the reference's limit=2 example shape, newest first", async () => {
    const account = await createAccount();
    const created = await createMessages(account.key, 3);
    const page = await listMessages(account.key, { limit: 2 });
    expect(page).toEqual({
      object: "list",
      data: [expect.objectContaining({ id: created[2], object: "message", status: "queued" }), expect.objectContaining({ id: created[1], object: "message" })],
      next_cursor: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      prev_cursor: null,
      has_more: true,
    });
  });

  it("lists full message objects, the same as retrieving each", async () => {
    const account = await createAccount();
    const [id] = await createMessages(account.key, 1);
    const [listed] = (await listMessages(account.key)).data;
    const retrieved = await (await api(`/v1/messages/${id}`, { key: account.key })).json();
    expect(listed).toEqual(retrieved);
  });

  it("returns 20 messages by default", async () => {
    const account = await createAccount();
    const created = await createMessages(account.key, 21);
    const page = await listMessages(account.key);
    expect(pageIds([page])).toEqual(created.slice(1).reverse());
    expect(page.has_more).toBe(true);
    expect(page.next_cursor).not.toBeNull();
  });

  it.each([
    [1, 1, true],
    [100, 21, false],
  ])("accepts limit=%i", async (limit, returned, hasMore) => {
    const account = await createAccount();
    const created = await createMessages(account.key, 21);
    const page = await listMessages(account.key, { limit });
    expect(pageIds([page])).toEqual([...created].reverse().slice(0, returned));
    expect(page.has_more).toBe(hasMore);
    expect(page.next_cursor === null).toBe(!hasMore);
  });

  // One database, or two merged: the pages must be the same.
  describe.each([
    ["on shard 0", homedOn(0)],
    ["on shard 1", homedOn(1)],
    ["spread over two shards", { home: 0, write: [0, 1], read: [0, 1] }],
  ])("pagination over 25 messages, 7 per page, of an account %s", (_where, placement: Placement) => {
    it("walks forward through every message exactly once, newest first", async () => {
      const account = await createAccount("test", { placement });
      const created = await createMessages(account.key, 25);
      // Each shard the account writes to took some: the list below is really merged from them.
      expect(new Set(created.map(shardOfMessageId))).toEqual(new Set(placement.write));
      const pages = await walkForward(account.key, 7);

      expect(pages.map((page) => page.data.length)).toEqual([7, 7, 7, 4]);
      expect(pageIds(pages)).toEqual([...created].reverse());
      expect(pages[0]!.prev_cursor).toBeNull();
      expect(pages.slice(1).every((page) => page.prev_cursor !== null)).toBe(true);
      expect(pages.at(-1)!.next_cursor).toBeNull();
      for (const page of pages) expect(page.has_more).toBe(page.next_cursor !== null);
    });

    it("walks back from the last page via prev_cursor through every message exactly once, in order", async () => {
      const account = await createAccount("test", { placement });
      const created = await createMessages(account.key, 25);
      const forward = await walkForward(account.key, 7);
      const backward = await walkBackward(account.key, 7, forward.at(-1)!);

      expect(backward).toHaveLength(3);
      // Read top to bottom, the pages visited backwards plus the last page are the whole list.
      expect(pageIds([...backward].reverse().concat(forward.at(-1)!))).toEqual([...created].reverse());
      // has_more looks in the direction of travel: towards newer messages when following prev_cursor.
      for (const page of backward) {
        expect(page.has_more).toBe(page.prev_cursor !== null);
        expect(page.next_cursor).not.toBeNull();
      }
      const top = backward.at(-1)!;
      expect(top.prev_cursor).toBeNull();
      expect(top.data).toEqual(forward[0]!.data);
      expect(top.next_cursor).toBe(forward[0]!.next_cursor);
    });

    it("neither repeats nor skips a message when new ones arrive during the walks", async () => {
      const account = await createAccount("test", { placement });
      const created = await createMessages(account.key, 25);
      const arrived: string[] = [];
      const arrive = async () => {
        arrived.push(...(await createMessages(account.key, 2)));
      };

      const forward = await walkForward(account.key, 7, arrive);
      expect(arrived).toHaveLength(6);
      // Messages newer than the walk's start are not on its later pages.
      expect(pageIds(forward)).toEqual([...created].reverse());

      const backward = await walkBackward(account.key, 7, forward.at(-1)!, arrive);
      const seen = pageIds([...backward].reverse().concat(forward.at(-1)!));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => created.includes(id))).toEqual([...created].reverse());
      // Walking back until prev_cursor is null reaches every message that arrived meanwhile, in order.
      expect(seen.filter((id) => arrived.includes(id))).toEqual([...arrived].reverse());
      expect(await listMessages(account.key, { limit: 100 }).then((page) => page.data.length)).toBe(25 + arrived.length);
    });
  });

  it("keeps a total order when several messages share a created_at second", async () => {
    const account = await createAccount();
    const created = await createMessages(account.key, 12);
    const second = 1718329481;
    await Promise.all(created.map((id) => messageDb(id).update(messages).set({ createdAt: second }).where(eq(messages.id, id))));

    const forward = await walkForward(account.key, 5);
    expect(forward.flatMap((page) => page.data.map((message) => message.created_at))).toEqual(Array(12).fill(second));
    expect(pageIds(forward)).toEqual([...created].reverse());
    const backward = await walkBackward(account.key, 5, forward.at(-1)!);
    expect(pageIds([...backward].reverse().concat(forward.at(-1)!))).toEqual([...created].reverse());
  });
});
