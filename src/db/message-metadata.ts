// The metadata filter of a message list, served by message_metadata (see
// src/db/message-schema.ts). The first key's index entries are read in id
// order (the list's order), from the cursor on, each joined to its message by
// primary key; every other key is one primary-key lookup per entry read; the
// read stops when the page is full. So a page costs the entries of the first
// key it passes over, never the account's whole history.
import { and, asc, desc, eq, exists, getTableColumns, gt, lt, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Cursor } from "../domain/cursor.ts";
import type { Message } from "../domain/message.ts";
import type { Metadata } from "../domain/metadata.ts";
import type { Database } from "./client.ts";
import { messageMetadata, messages } from "./message-schema.ts";
import type { Page } from "./pagination.ts";

const driver = alias(messageMetadata, "driver");

function hasEntry(db: Database, accountId: string, key: string, value: string): SQL {
  const entry = and(eq(messageMetadata.accountId, accountId), eq(messageMetadata.key, key), eq(messageMetadata.value, value));
  return exists(
    db
      .select({ one: sql`1` })
      .from(messageMetadata)
      .where(and(entry, eq(messageMetadata.messageId, driver.messageId))),
  );
}

/** The query metadataPage runs (for checking its plan). */
export function metadataPageQuery(db: Database, accountId: string, filter: Metadata, conditions: (SQL | undefined)[], limit: number, cursor: Cursor | null) {
  const [[key, value] = ["", ""], ...others] = Object.entries(filter);
  // The list is newest first; a "prev" cursor reads back towards newer ones.
  const ascending = cursor?.dir === "prev";
  const boundary = cursor ? (ascending ? gt(driver.messageId, cursor.id) : lt(driver.messageId, cursor.id)) : undefined;
  const { projectionSeq: _, ...columns } = getTableColumns(messages);
  return (
    db
      .select(columns)
      .from(driver)
      // CROSS JOIN keeps the index entries as the outer loop: SQLite never reorders it.
      .crossJoin(messages)
      .where(
        and(
          eq(driver.accountId, accountId),
          eq(driver.key, key),
          eq(driver.value, value),
          eq(messages.id, driver.messageId),
          eq(messages.accountId, accountId),
          ...others.map(([otherKey, otherValue]) => hasEntry(db, accountId, otherKey, otherValue)),
          ...conditions,
          boundary,
        ),
      )
      .orderBy(ascending ? asc(driver.messageId) : desc(driver.messageId))
      .limit(limit + 1)
  );
}

/** One page of the account's messages whose metadata has every key of `filter` with its value, newest first. */
export async function metadataPage(
  db: Database,
  accountId: string,
  filter: Metadata,
  conditions: (SQL | undefined)[],
  limit: number,
  cursor: Cursor | null,
): Promise<Page<Message>> {
  const rows = (await metadataPageQuery(db, accountId, filter, conditions, limit, cursor)) as Message[];
  const items = rows.slice(0, limit);
  return { items: cursor?.dir === "prev" ? items.reverse() : items, hasMore: rows.length > limit };
}
