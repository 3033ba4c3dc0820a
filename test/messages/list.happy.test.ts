// GET /v1/messages: newest first, keyset pagination that walks every message
// exactly once in both directions, also while messages arrive and when several
// share a created_at second.
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";
import { createMessages, type ListPage, listMessages } from "../support/messages.ts";

const MAX_PAGES = 50;

/** Follows next_cursor from the first page to the last; `between` runs after each page. */
async function walkForward(key: string, limit: number, between: (page: number) => Promise<void> = async () => {}): Promise<ListPage[]> {
  const pages = [await listMessages(key, { limit })];
  while (pages.at(-1)!.next_cursor !== null) {
    expect(pages.length).toBeLessThan(MAX_PAGES);
    await between(pages.length);
    pages.push(await listMessages(key, { limit, cursor: pages.at(-1)!.next_cursor! }));
  }
  return pages;
}

/** Follows prev_cursor from `start` back to the first page; returns the pages visited after `start`. */
async function walkBackward(key: string, limit: number, start: ListPage, between: (page: number) => Promise<void> = async () => {}): Promise<ListPage[]> {
  const pages: ListPage[] = [];
  let page = start;
  while (page.prev_cursor !== null) {
    expect(pages.length).toBeLessThan(MAX_PAGES);
    await between(pages.length);
    page = await listMessages(key, { limit, cursor: page.prev_cursor });
    pages.push(page);
  }
  return pages;
}

const ids = (pages: ListPage[]) => pages.flatMap((page) => page.data.map((message) => message.id));

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
    expect(ids([page])).toEqual(created.slice(1).reverse());
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
    expect(ids([page])).toEqual([...created].reverse().slice(0, returned));
    expect(page.has_more).toBe(hasMore);
    expect(page.next_cursor === null).toBe(!hasMore);
  });

  describe("pagination over 25 messages, 7 per page", () => {
    it("walks forward through every message exactly once, newest first", async () => {
      const account = await createAccount();
      const created = await createMessages(account.key, 25);
      const pages = await walkForward(account.key, 7);

      expect(pages.map((page) => page.data.length)).toEqual([7, 7, 7, 4]);
      expect(ids(pages)).toEqual([...created].reverse());
      expect(pages[0]!.prev_cursor).toBeNull();
      expect(pages.slice(1).every((page) => page.prev_cursor !== null)).toBe(true);
      expect(pages.at(-1)!.next_cursor).toBeNull();
      for (const page of pages) expect(page.has_more).toBe(page.next_cursor !== null);
    });

    it("walks back from the last page via prev_cursor through every message exactly once, in order", async () => {
      const account = await createAccount();
      const created = await createMessages(account.key, 25);
      const forward = await walkForward(account.key, 7);
      const backward = await walkBackward(account.key, 7, forward.at(-1)!);

      expect(backward).toHaveLength(3);
      // Read top to bottom, the pages visited backwards plus the last page are the whole list.
      expect(ids([...backward].reverse().concat(forward.at(-1)!))).toEqual([...created].reverse());
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
      const account = await createAccount();
      const created = await createMessages(account.key, 25);
      const arrived: string[] = [];
      const arrive = async () => {
        arrived.push(...(await createMessages(account.key, 2)));
      };

      const forward = await walkForward(account.key, 7, arrive);
      expect(arrived).toHaveLength(6);
      // Messages newer than the walk's start are not on its later pages.
      expect(ids(forward)).toEqual([...created].reverse());

      const backward = await walkBackward(account.key, 7, forward.at(-1)!, arrive);
      const seen = ids([...backward].reverse().concat(forward.at(-1)!));
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
    await db().update(messages).set({ createdAt: second }).where(inArray(messages.id, created));

    const forward = await walkForward(account.key, 5);
    expect(forward.flatMap((page) => page.data.map((message) => message.created_at))).toEqual(Array(12).fill(second));
    expect(ids(forward)).toEqual([...created].reverse());
    const backward = await walkBackward(account.key, 5, forward.at(-1)!);
    expect(ids([...backward].reverse().concat(forward.at(-1)!))).toEqual([...created].reverse());
  });
});
