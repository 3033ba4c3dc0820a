// Keyset pagination shared by every list: a page is read from the index on
// (account_id, id), or with filters from an index on (account_id, <column>, id),
// so page N costs what page 1 does.
import { and, asc, desc, eq, gt, lt, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Cursor } from "../domain/cursor.ts";
import type { Database } from "./client.ts";

export interface Page<T> {
  items: T[];
  /** More items exist beyond this page in the direction of travel. */
  hasMore: boolean;
}

type AccountTable = SQLiteTable & { accountId: SQLiteColumn; id: SQLiteColumn };

export interface PageRequest<T extends AccountTable> {
  table: T;
  /** The list order of ids. */
  order: "asc" | "desc";
  accountId: string;
  limit: number;
  cursor: Cursor | null;
  /** Conditions narrowing the list (undefined ones are left out). */
  filters?: (SQL | undefined)[];
}

/**
 * The query for one page of an account's rows in list order, with one row
 * more than the page to tell whether more follow. A "next" cursor continues in
 * list order after its id; a "prev" cursor reads back from its id.
 */
export function accountPageQuery<T extends AccountTable>(db: Database, { table, order, accountId, limit, cursor, filters = [] }: PageRequest<T>) {
  const backwards = cursor?.dir === "prev";
  const ascending = (order === "asc") !== backwards;
  const boundary = cursor ? (ascending ? gt(table.id, cursor.id) : lt(table.id, cursor.id)) : undefined;
  return db
    .select()
    .from(table as SQLiteTable)
    .where(and(eq(table.accountId, accountId), ...filters, boundary))
    .orderBy(ascending ? asc(table.id) : desc(table.id))
    .limit(limit + 1);
}

/** One page of an account's rows (see accountPageQuery); a "prev" page too is returned in list order. */
export async function accountPage<T extends AccountTable>(db: Database, request: PageRequest<T>): Promise<Page<T["$inferSelect"]>> {
  const rows = (await accountPageQuery(db, request)) as T["$inferSelect"][];
  const hasMore = rows.length > request.limit;
  const items = rows.slice(0, request.limit);
  return { items: request.cursor?.dir === "prev" ? items.reverse() : items, hasMore };
}
