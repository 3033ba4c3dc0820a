// Cursors in and out of list requests, and the list envelope.
import type { z } from "zod";
import type { Page } from "../db/pagination.ts";
import { type Cursor, type CursorFilters, decodeCursor, encodeCursor, sameFilters } from "../domain/cursor.ts";
import { errors } from "./errors.ts";

const invalidCursor = () => errors.invalidParam("cursor", "Invalid cursor: pass a next_cursor or prev_cursor value exactly as a previous page returned it.");

/** The query's cursor, decoded; `idPattern` is the form of the listed resource's ids. */
export function requestedCursor(value: string | undefined, idPattern: RegExp): Cursor | null {
  if (value === undefined) return null;
  const cursor = decodeCursor(value, idPattern);
  if (!cursor) throw invalidCursor();
  return cursor;
}

/**
 * The filters a page is read with: the request's, or with a cursor the
 * cursor's. Repeating the cursor's filters is fine; other filters are a 400,
 * since the cursor's position only means something in its own list.
 */
export function pageFilters<S extends z.ZodType<CursorFilters>>(cursor: Cursor | null, requested: CursorFilters, schema: S): z.output<S> {
  const given = Object.fromEntries(Object.entries(requested).filter(([, value]) => value !== undefined));
  if (!cursor) return given as z.output<S>;
  const remembered = cursor.filters ?? {};
  if (Object.keys(given).length > 0 && !sameFilters(given, remembered)) {
    throw errors.invalidParam(
      "cursor",
      "This cursor belongs to a list with other filters: repeat the filters it was issued with, or pass only the cursor.",
      "cursor_filters_mismatch",
    );
  }
  const parsed = schema.safeParse(remembered);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

/**
 * next_cursor continues in list order (for messages, towards older items) and
 * is null on the last page; prev_cursor goes back and is null on the first page.
 * Both remember the filters of the list.
 */
export function listEnvelope<Row extends { id: string }, Out>(
  page: Page<Row>,
  cursor: Cursor | null,
  toObject: (row: Row) => Out,
  filters: CursorFilters = {},
) {
  const first = page.items[0];
  const last = page.items.at(-1);
  const backwards = cursor?.dir === "prev";
  // Paging one way, the other way always has at least the item we came from.
  const moreAhead = backwards ? true : page.hasMore;
  const moreBehind = backwards ? page.hasMore : cursor !== null;
  return {
    object: "list" as const,
    data: page.items.map(toObject),
    next_cursor: last && moreAhead ? encodeCursor({ id: last.id, dir: "next", filters }) : null,
    prev_cursor: first && moreBehind ? encodeCursor({ id: first.id, dir: "prev", filters }) : null,
    has_more: page.hasMore,
  };
}
