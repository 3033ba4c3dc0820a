// Turns a keyset page into the list envelope with its cursors.
import { type Cursor, encodeCursor } from "../domain/cursor.ts";
import type { Page } from "../db/messages.ts";
import { errors } from "./errors.ts";
import { decodeCursor } from "../domain/cursor.ts";

export function requestedCursor(value: string | undefined): Cursor | null {
  if (value === undefined) return null;
  const cursor = decodeCursor(value);
  if (!cursor) throw errors.invalidParam("cursor", "Invalid cursor: pass a next_cursor or prev_cursor value exactly as a previous page returned it.");
  return cursor;
}

/**
 * next_cursor continues towards older items and is null on the last page;
 * prev_cursor goes back towards newer items and is null on the first page.
 */
export function listEnvelope<Row extends { id: string }, Out>(page: Page<Row>, cursor: Cursor | null, toObject: (row: Row) => Out) {
  const first = page.items[0];
  const last = page.items.at(-1);
  const towardsNewer = cursor?.dir === "prev";
  // Paging one way, the other way always has at least the item we came from.
  const moreOlder = towardsNewer ? true : page.hasMore;
  const moreNewer = towardsNewer ? page.hasMore : cursor !== null;
  return {
    object: "list" as const,
    data: page.items.map(toObject),
    next_cursor: last && moreOlder ? encodeCursor({ id: last.id, dir: "next" }) : null,
    prev_cursor: first && moreNewer ? encodeCursor({ id: first.id, dir: "prev" }) : null,
    has_more: page.hasMore,
  };
}
