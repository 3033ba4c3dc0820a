// Turns a keyset page into the list envelope with its cursors.
import type { Page } from "../db/pagination.ts";
import { type Cursor, decodeCursor, encodeCursor } from "../domain/cursor.ts";
import { errors } from "./errors.ts";

/** The query's cursor, decoded; `idPattern` is the form of the listed resource's ids. */
export function requestedCursor(value: string | undefined, idPattern: RegExp): Cursor | null {
  if (value === undefined) return null;
  const cursor = decodeCursor(value, idPattern);
  if (!cursor) throw errors.invalidParam("cursor", "Invalid cursor: pass a next_cursor or prev_cursor value exactly as a previous page returned it.");
  return cursor;
}

/**
 * next_cursor continues in list order (for messages, towards older items) and
 * is null on the last page; prev_cursor goes back and is null on the first page.
 */
export function listEnvelope<Row extends { id: string }, Out>(page: Page<Row>, cursor: Cursor | null, toObject: (row: Row) => Out) {
  const first = page.items[0];
  const last = page.items.at(-1);
  const backwards = cursor?.dir === "prev";
  // Paging one way, the other way always has at least the item we came from.
  const moreAhead = backwards ? true : page.hasMore;
  const moreBehind = backwards ? page.hasMore : cursor !== null;
  return {
    object: "list" as const,
    data: page.items.map(toObject),
    next_cursor: last && moreAhead ? encodeCursor({ id: last.id, dir: "next" }) : null,
    prev_cursor: first && moreBehind ? encodeCursor({ id: first.id, dir: "prev" }) : null,
    has_more: page.hasMore,
  };
}
