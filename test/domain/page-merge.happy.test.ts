// Merging keyset pages read from several shards: the page one database with
// every row would have given. Expected pages are written out by hand.
import { describe, expect, it } from "vitest";
import { mergePages } from "../../src/domain/page-merge.ts";

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
});
