// The Console's own reads of an account's messages: the overview's figures,
// recent failures, live statuses, and the messages that have status callbacks.
import { and, desc, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import type { Channel } from "../domain/address.ts";
import { firstIdAt } from "../domain/ids.ts";
import type { Message } from "../domain/message.ts";
import type { Database } from "./client.ts";
import { messages } from "./message-schema.ts";

export interface ChannelFigures {
  channel: Channel;
  sent: number;
  delivered: number;
  failed: number;
  /** Median seconds from creation to delivery of the delivered ones; null with none. */
  medianSecondsToDelivered: number | null;
}

/** Per channel, the messages created since `sinceSeconds`: how many, delivered (or read), failed (or undelivered), median time to delivered. */
export async function channelFigures(db: Database, accountId: string, sinceSeconds: number): Promise<ChannelFigures[]> {
  // The window is an id range (ids start with their creation time), served by (account_id, id).
  const inWindow = and(eq(messages.accountId, accountId), gte(messages.id, firstIdAt("msg", sinceSeconds * 1000)));
  const [counts, medians] = await Promise.all([
    db
      .select({
        channel: messages.channel,
        sent: sql<number>`count(*)`,
        delivered: sql<number>`sum(${messages.status} in ('delivered', 'read'))`,
        failed: sql<number>`sum(${messages.status} in ('failed', 'undelivered'))`,
      })
      .from(messages)
      .where(inWindow)
      .groupBy(messages.channel)
      .all(),
    // The median by ranking: the middle row (the lower middle for an even count) of each channel.
    db.all<{ channel: Channel; seconds: number }>(sql`
      SELECT channel, seconds FROM (
        SELECT channel, delivered_at - created_at AS seconds,
               row_number() OVER (PARTITION BY channel ORDER BY delivered_at - created_at) AS rank,
               count(*) OVER (PARTITION BY channel) AS total
        FROM messages WHERE account_id = ${accountId} AND id >= ${firstIdAt("msg", sinceSeconds * 1000)} AND delivered_at IS NOT NULL
      ) WHERE rank = (total + 1) / 2`),
  ]);
  const median = new Map((medians as { channel: Channel; seconds: number }[]).map((row) => [row.channel, row.seconds]));
  return (["sms", "whatsapp", "email"] as const).map((channel) => {
    const row = counts.find((count) => count.channel === channel);
    return {
      channel,
      sent: row?.sent ?? 0,
      delivered: row?.delivered ?? 0,
      failed: row?.failed ?? 0,
      medianSecondsToDelivered: median.get(channel) ?? null,
    };
  });
}

export function recentFailures(db: Database, accountId: string, limit: number): Promise<Message[]> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), inArray(messages.status, ["failed", "undelivered"])))
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
