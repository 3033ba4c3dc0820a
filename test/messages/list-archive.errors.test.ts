// A list page past the hot window that stopped at its 20 archive objects, and what happens before its cursor is
// followed: the archive run moves a message into the parts still to read, or R2 fails the next page's read. The
// cursor is a keyset position and holds nothing else, so neither loses, repeats or misplaces a message.

import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount, messageDb } from "../support/db.ts";
import { archiveAll, archivedInParts, dayStartDaysAgo, delivered, HOUR_MS, ONE_SHARD, type ReadPage, readPage } from "./archive.fixture.ts";

const RARE = "+14155550998";
const rare = `&to=${encodeURIComponent(RARE)}`;

afterEach(() => {
  vi.restoreAllMocks();
});

/** 60 messages archived two a part (30 parts), every second one to RARE; and one more to RARE at minute 10.5, still sent. */
async function archivedDay(account: TestAccount): Promise<{ matches: string[]; straggler: string }> {
  const dayStart = dayStartDaysAgo(9);
  const ids = await archivedInParts(
    account,
    dayStart + HOUR_MS,
    Array.from({ length: 60 }, (_, i) => ({ to: i % 2 === 1 ? RARE : "+14155550123" })),
    2,
  );
  const [straggler] = await delivered(account, dayStart + HOUR_MS + 10 * 60_000 + 30_000, 1, { to: RARE, status: "sent" });
  return { matches: [...ids.filter((_, i) => i % 2 === 1), straggler!].sort().reverse(), straggler: straggler! };
}

describe("a stopped list page's cursor, followed after a change", () => {
  it("a message the archive moves into the parts still to read is listed once, in its place", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const { matches, straggler } = await archivedDay(account);
    expect(await messageCount(account.id)).toBe(1);

    const first = await readPage(account, `limit=25${rare}`);
    // 20 parts of 30 read: their 20 matches, short of 25, and more to come.
    expect(first).toMatchObject({ ids: matches.slice(0, 20), hasMore: true, reads: 20 });

    // The straggler turns final and the next run moves it into the part claiming its id, below the first page's stop.
    await messageDb(straggler)
      .$client.prepare("UPDATE messages SET status = 'delivered', projection_seq = projection_seq + 1 WHERE id = ?")
      .bind(straggler)
      .run();
    await archiveAll({ partSize: 2 });
    expect(await messageCount(account.id)).toBe(0);

    const second = await readPage(account, `limit=25&cursor=${first.next}`);
    expect(second).toMatchObject({ ids: matches.slice(20), hasMore: false });
    expect(second.ids).toContain(straggler);
  });

  it("an R2 read failing on the next page is a 500; the same cursor answers the page once R2 answers again", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const { matches } = await archivedDay(account);
    const first: ReadPage = await readPage(account, `limit=25${rare}`);
    expect(first).toMatchObject({ hasMore: true, reads: 20 });

    const get = env.ARCHIVE.get.bind(env.ARCHIVE);
    let calls = 0;
    // The third object the next page reads fails.
    vi.spyOn(env.ARCHIVE, "get").mockImplementation(((key: string, options?: R2GetOptions) => {
      if (++calls === 3) return Promise.reject(new Error("R2 unavailable"));
      return get(key, options);
    }) as typeof env.ARCHIVE.get);
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expectError(await api(`/v1/messages?limit=25&cursor=${first.next}`, { key: account.key }), 500, { type: "api_error", code: "internal_error" });
    vi.restoreAllMocks();

    const second = await readPage(account, `limit=25&cursor=${first.next}`);
    expect([...first.ids, ...second.ids]).toEqual(matches);
    expect(second.hasMore).toBe(false);
  });
});
