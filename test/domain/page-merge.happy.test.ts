// Merging keyset pages read from several shards: the page one database with
// every row would have given, and where the pages either side start.
// Expected pages are written out by hand.
import { describe, expect, it } from "vitest";
import { positionAbove, positionBelow } from "../../src/domain/cursor.ts";
import { mergePages, pageEdges } from "../../src/domain/page-merge.ts";

const rows = (...ids: string[]) => ids.map((id) => ({ id }));

describe("mergePages", () => {
  it("takes the newest `limit` of two shards' pages, newest first, and says more follow", () => {
    const merged = mergePages(
      [
        { items: rows("h", "e", "b"), hasMore: true },
        { items: rows("g", "f", "a"), hasMore: false },
      ],
      3,
      "desc",
      false,
    );
    expect(merged).toEqual({ items: rows("h", "g", "f"), hasMore: true });
  });

  it("knows the list ends when neither shard has more and all fit", () => {
    expect(
      mergePages(
        [
          { items: rows("d", "b"), hasMore: false },
          { items: rows("c"), hasMore: false },
        ],
        3,
        "desc",
        false,
      ),
    ).toEqual({
      items: rows("d", "c", "b"),
      hasMore: false,
    });
  });

  it("reads back towards newer rows: the `limit` rows nearest the cursor, in list order", () => {
    const merged = mergePages(
      [
        { items: rows("h", "e"), hasMore: true },
        { items: rows("g", "f"), hasMore: false },
      ],
      2,
      "desc",
      true,
    );
    expect(merged).toEqual({ items: rows("f", "e"), hasMore: true });
  });

  it("takes a row found on two shards once, from the first page that has it", () => {
    const source = [{ id: "b", from: "source" }];
    const target = [
      { id: "c", from: "target" },
      { id: "b", from: "target" },
    ];
    expect(
      mergePages(
        [
          { items: source, hasMore: false },
          { items: target, hasMore: false },
        ],
        5,
        "desc",
        false,
      ).items,
    ).toEqual([
      { id: "c", from: "target" },
      { id: "b", from: "source" },
    ]);
  });

  it("orders ascending lists too", () => {
    expect(
      mergePages(
        [
          { items: rows("a", "d"), hasMore: false },
          { items: rows("b", "c"), hasMore: false },
        ],
        3,
        "asc",
        false,
      ).items,
    ).toEqual(rows("a", "b", "c"));
  });

  it("ends where a page that stopped short stopped: rows of other pages past it wait, and the merged page resumes there", () => {
    // The archive read down to "f" (every row above it), D1 has rows on both sides of it.
    const merged = mergePages(
      [
        { items: rows("k", "e", "c"), hasMore: false },
        { items: rows("h", "g"), hasMore: true, resume: "f" },
      ],
      5,
      "desc",
      false,
    );
    expect(merged).toEqual({ items: rows("k", "h", "g"), hasMore: true, resume: "f" });
  });

  it("going back, the stop is the lowest position and rows above it wait", () => {
    const merged = mergePages(
      [
        { items: rows("k", "e"), hasMore: false },
        { items: rows("d", "b"), hasMore: true, resume: "f" },
      ],
      5,
      "desc",
      true,
    );
    expect(merged).toEqual({ items: rows("e", "d", "b"), hasMore: true, resume: "f" });
  });

  it("a full page before the stop is a page like any other: it goes on from its last item", () => {
    const merged = mergePages(
      [
        { items: rows("k", "j", "a"), hasMore: false },
        { items: rows("h", "g"), hasMore: true, resume: "f" },
      ],
      3,
      "desc",
      false,
    );
    expect(merged).toEqual({ items: rows("k", "j", "h"), hasMore: true });
  });
});

describe("pageEdges", () => {
  const page = { items: rows("h", "g"), hasMore: true };

  it("goes on from the last item, or from where a page that stopped short stopped", () => {
    expect(pageEdges(page, null)).toEqual({ next: "g", prev: null });
    expect(pageEdges({ ...page, resume: "c" }, { dir: "next" })).toEqual({ next: "c", prev: "h" });
    expect(pageEdges({ items: [], hasMore: true, resume: "c" }, null)).toEqual({ next: "c", prev: null });
  });

  it("going back, ahead is towards newer rows: the stop or the first item; the way it came is the last item", () => {
    expect(pageEdges({ ...page, resume: "k" }, { dir: "prev" })).toEqual({ next: "g", prev: "k" });
    expect(pageEdges({ ...page, hasMore: false }, { dir: "prev" })).toEqual({ next: "g", prev: null });
  });

  it("a page with no items read from a cursor goes back from its `back` position", () => {
    expect(pageEdges({ items: [], hasMore: true, resume: "c", back: "m" }, { dir: "next" })).toEqual({ next: "c", prev: "m" });
    expect(pageEdges({ items: [], hasMore: false, back: "m" }, { dir: "next" })).toEqual({ next: null, prev: "m" });
  });
});

describe("keyset positions between ids", () => {
  it("are the neighbouring ids of the same form, carrying across hex digits", () => {
    expect(positionAbove("msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f")).toBe("msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e60");
    expect(positionBelow("msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e60")).toBe("msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f");
    expect(positionBelow("msg_019ec8f3a1b27c3d8e9f0a1b2c3d0000")).toBe("msg_019ec8f3a1b27c3d8e9f0a1b2c3cffff");
    // A cursor made up at either end (no UUIDv7 is all zeros or all f) stays a valid cursor id.
    expect(positionBelow(`msg_${"0".repeat(32)}`)).toBe(`msg_${"0".repeat(32)}`);
    expect(positionAbove(`msg_${"f".repeat(32)}`)).toBe(`msg_${"f".repeat(32)}`);
  });
});
