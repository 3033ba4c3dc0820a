// Reading an account's messages from the message databases that hold them:
// one by id (its id names its shard), or a list merged over its shards; past
// the hot window, from the R2 archive (src/services/archive.ts) too.
import { loadConfig } from "../config.ts";
import { hasArchivedParts } from "../db/archive-index.ts";
import { database } from "../db/client.ts";
import { findMessage, listMessages, type MessageFilters } from "../db/messages.ts";
import { existingMessageDatabase, shardDatabase } from "../db/shards.ts";
import type { Account } from "../domain/account.ts";
import { hotBoundaryId } from "../domain/archive.ts";
import { type Cursor, positionAbove, positionBelow } from "../domain/cursor.ts";
import type { Message } from "../domain/message.ts";
import { mergePages, type ShardPage } from "../domain/page-merge.ts";
import { placementOf, shardsToRead } from "../domain/placement.ts";
import { archivePage, lookUpArchived, readArchivedMessage } from "./archive-reads.ts";

/**
 * The account's message with this id, from the one database that holds it, or when D1 has no such row and the
 * id is older than the hot window, from the one archive part the index names for it (the index is asked beside
 * the message database, in parallel: one R2 read beyond D1's); undefined when it is not the account's.
 */
export async function findAccountMessage(env: Env, account: Account, id: string): Promise<Message | undefined> {
  const db = existingMessageDatabase(env, placementOf(account), id);
  if (!db) return undefined;
  if (id >= hotBoundaryId(Date.now(), loadConfig(env).archiveHotDays)) return findMessage(db, account.id, id);
  // The index's answer is needed only when D1 has no row: a row in D1 is answered whatever became of the index's read.
  const lookup = lookUpArchived(database(env.CONTROL_DB), account.id, id);
  lookup.catch(() => {});
  const row = await findMessage(db, account.id, id);
  return row ?? readArchivedMessage(env, await lookup, id);
}

/**
 * One page of the account's messages, newest first, over every shard that holds them (one query per shard, in
 * parallel), continued into the archive when the page reaches past the hot window: every archived id is below
 * the boundary, so a full page of D1 rows at or above it reads no archive (one index read only to tell whether more follow).
 * Past the window a filtered page may stop short of `limit` (archivePage): its `resume` is where the next one starts.
 */
export async function listAccountMessages(
  env: Env,
  account: Account,
  filters: MessageFilters,
  limit: number,
  cursor: Cursor | null,
): Promise<ShardPage<Message>> {
  const page = await hotThenArchived(env, account, filters, limit, cursor);
  // An empty page read from a cursor (one after a page that stopped short, or the end past it) goes back the way it came.
  return page.items.length === 0 && cursor ? { ...page, back: wayBack(cursor) } : page;
}

async function hotThenArchived(env: Env, account: Account, filters: MessageFilters, limit: number, cursor: Cursor | null): Promise<ShardPage<Message>> {
  const shards = shardsToRead(placementOf(account));
  const pages = await Promise.all(shards.map((shard) => listMessages(shardDatabase(env, shard), account.id, filters, limit, cursor)));
  const hot = pages.length === 1 ? pages[0]! : mergePages(pages, limit, "desc", cursor?.dir === "prev");
  const boundary = hotBoundaryId(Date.now(), loadConfig(env).archiveHotDays);
  const controlDb = database(env.CONTROL_DB);
  if (cursor?.dir === "prev") {
    if (cursor.id >= boundary) return hot;
  } else if (hot.items.length === limit && hot.items.at(-1)!.id >= boundary) {
    return hot.hasMore ? hot : { ...hot, hasMore: await hasArchivedParts(controlDb, account.id) };
  }
  // D1's page first: a row still in D1 (a crash between an archive write and its delete) is taken from there.
  return mergePages([hot, await archivePage(env, controlDb, account.id, filters, limit, cursor)], limit, "desc", cursor?.dir === "prev");
}

/** Where a page back from a page with no items starts: at the cursor it was read from, that cursor's own item included. */
function wayBack(cursor: Cursor): string {
  return cursor.dir === "next" ? positionBelow(cursor.id) : positionAbove(cursor.id);
}
