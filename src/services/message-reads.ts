// Reading an account's messages from the message databases that hold them:
// one by id (its id names its shard), or a list merged over its shards.
import { findMessage, listMessages, type MessageFilters } from "../db/messages.ts";
import { existingMessageDatabase, shardDatabase } from "../db/shards.ts";
import type { Account } from "../domain/account.ts";
import type { Cursor } from "../domain/cursor.ts";
import type { Message } from "../domain/message.ts";
import { mergePages, type ShardPage } from "../domain/page-merge.ts";
import { placementOf, shardsToRead } from "../domain/placement.ts";

/** The account's message with this id, from the one database that holds it; undefined when it is not the account's. */
export async function findAccountMessage(env: Env, account: Account, id: string): Promise<Message | undefined> {
  const db = existingMessageDatabase(env, placementOf(account), id);
  return db ? findMessage(db, account.id, id) : undefined;
}

/** One page of the account's messages, newest first, over every shard that holds them (one query per shard, in parallel). */
export async function listAccountMessages(
  env: Env,
  account: Account,
  filters: MessageFilters,
  limit: number,
  cursor: Cursor | null,
): Promise<ShardPage<Message>> {
  const shards = shardsToRead(placementOf(account));
  const pages = await Promise.all(shards.map((shard) => listMessages(shardDatabase(env, shard), account.id, filters, limit, cursor)));
  return pages.length === 1 ? pages[0]! : mergePages(pages, limit, "desc", cursor?.dir === "prev");
}
