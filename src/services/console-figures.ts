// The Console's reads of an account's messages, over every message database
// that holds them: each shard is read in parallel and the answers combined.

import type { Database } from "../db/client.ts";
import { channelCounts, messagesWithCallbacks, recentFailures, statusesOf } from "../db/console-reads.ts";
import { existingMessageDatabase, shardDatabase } from "../db/shards.ts";
import type { Account } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import { medianOfCounts } from "../domain/median.ts";
import type { Message } from "../domain/message.ts";
import { mergePages } from "../domain/page-merge.ts";
import { placementOf, shardsHeldOn, shardsToRead } from "../domain/placement.ts";

export interface ChannelFigures {
  channel: Channel;
  sent: number;
  delivered: number;
  failed: number;
  /** Median seconds from creation to delivery of the delivered ones; null with none. */
  medianSecondsToDelivered: number | null;
}

const onEachShard = <T>(env: Env, account: Account, read: (db: Database) => Promise<T>) =>
  Promise.all(shardsToRead(placementOf(account)).map((shard) => read(shardDatabase(env, shard))));

/**
 * Per channel, the account's messages created since `sinceSeconds`: how many,
 * delivered (or read), failed (or undelivered), median time to delivered.
 * Each message is counted once, on the shard that holds it for reads: during
 * a move its copy at the target is not counted until the flip, after which
 * the source is no longer read.
 */
export async function channelFigures(env: Env, account: Account, sinceSeconds: number): Promise<ChannelFigures[]> {
  const placement = placementOf(account);
  const perShard = (
    await Promise.all(
      shardsToRead(placement).map((shard) => channelCounts(shardDatabase(env, shard), account.id, shardsHeldOn(placement, shard), sinceSeconds)),
    )
  ).flat();
  return (["sms", "whatsapp", "email"] as const).map((channel) => {
    const counts = perShard.filter((row) => row.channel === channel);
    const sum = (field: "sent" | "delivered" | "failed") => counts.reduce((total, row) => total + row[field], 0);
    const times = counts.flatMap((row) => row.secondsToDelivered.map(({ seconds, count }) => ({ value: seconds, count })));
    return { channel, sent: sum("sent"), delivered: sum("delivered"), failed: sum("failed"), medianSecondsToDelivered: medianOfCounts(times) };
  });
}

/** The newest `limit` messages a per-shard read returns, newest first, over the account's shards. */
async function newest(env: Env, account: Account, limit: number, read: (db: Database) => Promise<Message[]>): Promise<Message[]> {
  const pages = await onEachShard(env, account, async (db) => ({ items: await read(db), hasMore: false }));
  return mergePages(pages, limit, "desc", false).items;
}

export function accountRecentFailures(env: Env, account: Account, limit: number): Promise<Message[]> {
  return newest(env, account, limit, (db) => recentFailures(db, account.id, limit));
}

export function accountMessagesWithCallbacks(env: Env, account: Account, limit: number): Promise<Message[]> {
  return newest(env, account, limit, (db) => messagesWithCallbacks(db, account.id, limit));
}

/** The statuses of these messages of the account (others' ids are left out), each read where it is. */
export async function accountStatuses(env: Env, account: Account, ids: string[]): Promise<Record<string, string>> {
  const placement = placementOf(account);
  const byDatabase = new Map<Database, string[]>();
  for (const id of ids) {
    const db = existingMessageDatabase(env, placement, id);
    if (db) byDatabase.set(db, [...(byDatabase.get(db) ?? []), id]);
  }
  const found = await Promise.all([...byDatabase].map(([db, some]) => statusesOf(db, account.id, some)));
  return Object.assign({}, ...found);
}
