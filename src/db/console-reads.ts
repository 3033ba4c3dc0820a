// The Console's own reads of an account's messages on one message database
// (src/services/console-figures.ts combines the shards): the overview's figures,
// recent failures, live statuses, and the messages that have status callbacks.
import { and, desc, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import type { Channel } from "../domain/address.ts";
import { firstIdAt } from "../domain/ids.ts";
import type { Message } from "../domain/message.ts";
import { bornOnOneOf } from "./born-on.ts";
import type { Database } from "./client.ts";
import { messages } from "./message-schema.ts";
import { statusAmong } from "./status-filter.ts";

/** Per channel, one message database's messages created in a window: counts, and how many took each number of seconds to be delivered. */
export interface ChannelCounts {
  channel: Channel;
  sent: number;
  delivered: number;
  failed: number;
  /** Seconds from creation to delivery, with how many delivered messages took that long (shards' counts add up; a median is read off the sum). */
  secondsToDelivered: { seconds: number; count: number }[];
}

/**
 * Per channel, the account's messages created since `sinceSeconds` on this
 * database and created on one of `bornOn` (the shards whose messages it holds
 * for reads: during a move, the copies at the target are not counted there):
 * how many, delivered (or read), failed (or undelivered), times to delivered.
 */
export async function channelCounts(db: Database, accountId: string, bornOn: readonly number[], sinceSeconds: number): Promise<ChannelCounts[]> {
  // The window is an id range (ids start with their creation time), served by (account_id, id).
  const inWindow = and(bornOnOneOf(accountId, bornOn), gte(messages.id, firstIdAt("msg", sinceSeconds * 1000)));
  const seconds = sql<number>`${messages.deliveredAt} - ${messages.createdAt}`;
  const [counts, times] = await db.batch([
    db
      .select({
        channel: messages.channel,
        sent: sql<number>`count(*)`,
        delivered: sql<number>`sum(${messages.status} in ('delivered', 'read'))`,
        failed: sql<number>`sum(${messages.status} in ('failed', 'undelivered'))`,
      })
      .from(messages)
      .where(inWindow)
      .groupBy(messages.channel),
    db
      .select({ channel: messages.channel, seconds, count: sql<number>`count(*)` })
      .from(messages)
      .where(and(inWindow, isNotNull(messages.deliveredAt)))
      .groupBy(messages.channel, seconds),
  ]);
  return (["sms", "whatsapp", "email"] as const).map((channel) => {
    const row = counts.find((count) => count.channel === channel);
    return {
      channel,
      sent: row?.sent ?? 0,
      delivered: row?.delivered ?? 0,
      failed: row?.failed ?? 0,
      secondsToDelivered: times.filter((time) => time.channel === channel).map(({ seconds, count }) => ({ seconds, count })),
    };
  });
}

export function recentFailures(db: Database, accountId: string, limit: number): Promise<Message[]> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), statusAmong(["failed", "undelivered"])))
    .orderBy(desc(messages.id))
    .limit(limit)
    .all();
}

/** The statuses of these messages of the account (others' ids are left out). */
export async function statusesOf(db: Database, accountId: string, ids: string[]): Promise<Record<string, string>> {
  if (ids.length === 0) return {};
  const rows = await db
    .select({ id: messages.id, status: messages.status })
    .from(messages)
    .where(and(eq(messages.accountId, accountId), inArray(messages.id, ids)));
  return Object.fromEntries(rows.map((row) => [row.id, row.status]));
}

/** The newest messages that have a status_callback, for the latest callback attempts across messages. */
export function messagesWithCallbacks(db: Database, accountId: string, limit: number): Promise<Message[]> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), isNotNull(messages.statusCallback)))
    .orderBy(desc(messages.id))
    .limit(limit)
    .all();
}
