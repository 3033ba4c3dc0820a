// Cursors in and out of list requests, and the list envelope.
import type { z } from "zod";
import { type Cursor, type CursorFilters, decodeCursor, encodeCursor, sameFilters } from "../domain/cursor.ts";
import { pageEdges, type ShardPage } from "../domain/page-merge.ts";
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
 * Both remember the filters of the list. A page that stopped short of its
 * limit continues from where its read stopped, not from its last item
 * (pageEdges).
 */
export function listEnvelope<Row extends { id: string }, Out>(
  page: ShardPage<Row>,
  cursor: Cursor | null,
  toObject: (row: Row) => Out,
  filters: CursorFilters = {},
) {
  const edges = pageEdges(page, cursor);
  return {
    object: "list" as const,
    data: page.items.map(toObject),
    next_cursor: edges.next === null ? null : encodeCursor({ id: edges.next, dir: "next", filters }),
    prev_cursor: edges.prev === null ? null : encodeCursor({ id: edges.prev, dir: "prev", filters }),
    has_more: page.hasMore,
  };
}
