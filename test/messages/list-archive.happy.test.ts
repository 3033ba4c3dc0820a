// A list page past the hot window reads at most 20 archive objects (R2 GETs), however little of them its filter
// matches: a page that reaches that many ends where its read stopped, with fewer items than its limit (maybe none)
// and has_more, and its cursor resumes there. Following the cursors, forward or back, visits every match once, in
// order. The parts here hold two messages each, so 20 objects are 40 messages.

import { beforeAll, describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { consoleFetch, signIn } from "../support/console.ts";
import { archivedInParts, dayStartDaysAgo, delivered, follow, HOUR_MS, pagesOf, type ReadPage, readPage, walk } from "./archive.fixture.ts";

const RARE = "+14155550999";
const COMMON = "+14155550123";
/** The cap the issue asks for: a page reads at most this many archive objects. */
const CAP = 20;
const rare = `&to=${encodeURIComponent(RARE)}`;

const newestFirst = (ids: string[]) => [...ids].sort().reverse();
const idsOf = (pages: ReadPage[]) => pages.flatMap((page) => page.ids);

describe("a list page past the hot window reads a bounded number of archive objects", () => {
  let account: TestAccount;
  /** Oldest first: 90 archived messages, two a part (45 parts), every second one to RARE (one a part). */
  let archived: string[];
  /** To RARE, still in D1: one not final among the archived day's messages (below the boundary), two young ones. */
  let unarchived: string;
  let young: string[];

  beforeAll(async () => {
    account = await createAccount("test", { placement: { home: 0, write: [0], read: [0] } });
    const dayStart = dayStartDaysAgo(10);
    // The oldest and the newest archived message failed: the only two a status=failed list finds.
    const rows = Array.from({ length: 90 }, (_, i) => ({ to: i % 2 === 1 ? RARE : COMMON, status: i === 0 || i === 89 ? "failed" : "delivered" }) as const);
    archived = await archivedInParts(account, dayStart + HOUR_MS, rows, 2);
    // Between the 21st and 22nd messages, still sent (not final): it stays in D1.
    [unarchived] = await delivered(account, dayStart + HOUR_MS + 20 * 60_000 + 30_000, 1, { to: RARE, status: "sent" });
    young = await delivered(account, Date.now() - 2 * HOUR_MS, 2, { to: RARE });
  });

  const rareNewestFirst = () => newestFirst([...young, unarchived!, ...archived.filter((_, i) => i % 2 === 1)]);

  it("a filter matching one message a part pages forward through every match once, in order, reading at most 20 objects a page", async () => {
    const pages = await follow(account, 25, rare, "next");
    expect(idsOf(pages)).toEqual(rareNewestFirst());
    // 45 parts read 20, 20 and 5 at a time; the first two pages stop short of 25 items and say more follow.
    expect(pages.map((page) => page.reads)).toEqual([CAP, CAP, 5]);
    expect(pages.map((page) => page.ids.length)).toEqual([22, 21, 5]);
    expect(pages.map((page) => page.hasMore)).toEqual([true, true, false]);
  });

  it("the same going back with prev_cursor from the last page", async () => {
    const forward = await follow(account, 25, rare, "next");
    const last = forward.at(-1)!;
    const back = await follow(account, 25, `&cursor=${last.prev}`, "prev");
    // Each page back is in list order; the pages come newest last, so the walk reversed is the list before `last`.
    expect(idsOf([...back].reverse())).toEqual(rareNewestFirst().slice(0, -last.ids.length));
    expect(back.map((page) => page.reads)).toEqual([CAP, CAP]);
    expect(back.map((page) => page.hasMore)).toEqual([true, false]);
    expect(back.at(-1)!.prev).toBeNull();
  });

  it("a page whose 20 objects hold no match is empty with has_more, and its cursors go on and back", async () => {
    const pages = await follow(account, 10, "&status=failed", "next");
    const [newest, oldest] = [archived.at(-1)!, archived[0]!];
    expect(pages.map((page) => page.ids)).toEqual([[newest], [], [oldest]]);
    expect(pages.map((page) => page.hasMore)).toEqual([true, true, false]);
    expect(pages.map((page) => page.reads)).toEqual([CAP, CAP, 5]);

    // Back from the empty page: the page before it again.
    const back = await readPage(account, `limit=10&cursor=${pages[1]!.prev}`);
    expect(back.ids).toEqual([newest]);
    expect(back.hasMore).toBe(false);
    // And back from the last page, over an empty page that stops short going that way too.
    const fromLast = await follow(account, 10, `&cursor=${pages[2]!.prev}`, "prev");
    expect(idsOf(fromLast)).toEqual([newest]);
    expect(fromLast.every((page) => page.reads <= CAP)).toBe(true);
  });

  it("a created range cutting parts in the middle pages the same way, both ways", async () => {
    // From the 6th archived message (minute 5, its part's second) to the 85th (minute 84, its part's first), the straggler (20.5) inside.
    const start = Math.floor((dayStartDaysAgo(10) + HOUR_MS) / 1000);
    const range = `&created[gte]=${start + 5 * 60}&created[lte]=${start + 84 * 60}`;
    const inRange = newestFirst([unarchived!, ...archived.filter((_, i) => i % 2 === 1 && i >= 5 && i <= 84)]);
    const forward = await follow(account, 25, `${rare}${range}`, "next");
    expect(idsOf(forward)).toEqual(inRange);
    expect(forward.every((page) => page.reads <= CAP)).toBe(true);
    expect(forward[0]).toMatchObject({ hasMore: true, reads: CAP });
    const last = forward.at(-1)!;
    const back = await follow(account, 25, `&cursor=${last.prev}`, "prev");
    expect(idsOf([...back].reverse())).toEqual(inRange.slice(0, -last.ids.length));
    expect(back.every((page) => page.reads <= CAP)).toBe(true);
  });

  it("the Console's message list follows the same stops: an empty page says older ones may match and links on", async () => {
    const session = await signIn(account);
    const seen: string[][] = [];
    const notes: boolean[] = [];
    for (let path: string | undefined = "/console/messages?status=failed"; path !== undefined; ) {
      const html = await (await consoleFetch(path, { cookie: session.cookie })).text();
      seen.push([...html.matchAll(/href="\/console\/messages\/(msg_[0-9a-f]{32})"/g)].map((match) => match[1]!));
      notes.push(html.includes("Older pages may"));
      path = /<a href="([^"]+)">Older →<\/a>/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    }
    expect(seen).toEqual([[archived.at(-1)], [], [archived[0]]]);
    expect(notes).toEqual([false, true, false]);
  });

  it("an unfiltered list is as before: pages of `limit` both ways, each read from the few parts that fill it", async () => {
    const all = newestFirst([...young, unarchived!, ...archived]);
    const { forward, back } = await walk(account, 25);
    expect(forward).toEqual(pagesOf(all, 25));
    expect(back).toEqual(forward.slice(0, -1));
    // 26 rows (a page and one to tell more follow) are 13 parts of two, and one more to know none comes before them.
    const first = await readPage(account, "limit=25");
    expect(first.reads).toBeLessThanOrEqual(14);
  });
});

describe("an account with a message a day", () => {
  it("has a part per archived day: an unfiltered page holds the messages of 20 parts, and the walk is every message once, both ways", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0], read: [0] } });
    const ids: string[] = [];
    for (let days = 37; days >= 8; days--) ids.push(...(await archivedInParts(account, dayStartDaysAgo(days) + HOUR_MS, [{}], 1)));
    const forward = await follow(account, 25, "", "next");
    expect(forward.map((page) => page.ids)).toEqual([newestFirst(ids).slice(0, 20), newestFirst(ids).slice(20)]);
    expect(forward.map((page) => page.reads)).toEqual([CAP, 10]);
    const back = await follow(account, 25, `&cursor=${forward[1]!.prev}`, "prev");
    expect(back.map((page) => page.ids)).toEqual([newestFirst(ids).slice(0, 20)]);
  });
});

describe("the bounded page over the parts of two shards", () => {
  it("parts of one day on two shards interleave; following the cursors both ways visits every match once, in order", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0, 1], read: [0, 1] } });
    const dayStart = dayStartDaysAgo(11);
    // idCreatedAt alternates the shards: each shard's 30 messages make 15 parts of two, each reaching over the other's.
    const ids = await archivedInParts(
      account,
      dayStart + HOUR_MS,
      Array.from({ length: 60 }, (_, i) => ({ to: i % 3 === 0 ? RARE : COMMON })),
      2,
    );
    const matches = newestFirst(ids.filter((_, i) => i % 3 === 0));

    const forward = await follow(account, 15, rare, "next");
    expect(idsOf(forward)).toEqual(matches);
    expect(forward.every((page) => page.reads <= CAP)).toBe(true);
    // The cap stopped a page short of its limit.
    expect(forward.some((page) => page.hasMore && page.ids.length < 15)).toBe(true);

    const last = forward.at(-1)!;
    const back = await follow(account, 15, `&cursor=${last.prev}`, "prev");
    expect(idsOf([...back].reverse())).toEqual(matches.slice(0, -last.ids.length));
    expect(back.every((page) => page.reads <= CAP)).toBe(true);
  });
});
