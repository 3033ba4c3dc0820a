// Messages in D1. Every query is scoped to one account.
import { and, asc, desc, eq, gt, lt } from "drizzle-orm";
import type { Cursor } from "../domain/cursor.ts";
import type { Database } from "./client.ts";
import { messages, type MessageRow, type NewMessageRow } from "./schema.ts";

export async function insertMessage(db: Database, row: NewMessageRow): Promise<MessageRow> {
  const [inserted] = await db.insert(messages).values(row).returning();
  return inserted!;
}

export async function findMessage(db: Database, accountId: string, id: string): Promise<MessageRow | undefined> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), eq(messages.id, id)))
    .get();
}

export interface Page<T> {
  items: T[];
  /** More items exist beyond this page in the direction of travel. */
  hasMore: boolean;
}

/**
 * One page of an account's messages, newest first, by keyset on (account_id, id)
 * (ids sort by creation time). A "prev" cursor reads newer items upwards and
 * returns them newest first like every page.
 */
export async function listMessages(db: Database, accountId: string, limit: number, cursor: Cursor | null): Promise<Page<MessageRow>> {
  const towardsNewer = cursor?.dir === "prev";
  const boundary = cursor ? (towardsNewer ? gt(messages.id, cursor.id) : lt(messages.id, cursor.id)) : undefined;
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), boundary))
    .orderBy(towardsNewer ? asc(messages.id) : desc(messages.id))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: towardsNewer ? items.reverse() : items, hasMore };
}

/** The row a delivery needs, by id alone: only the pipeline calls this, after the API scoped the id. */
export async function messageForDelivery(db: Database, id: string): Promise<MessageRow | undefined> {
  return db.select().from(messages).where(eq(messages.id, id)).get();
}

export type StatusProjection = Pick<MessageRow, "status" | "deliveredAt" | "providerLatencyMs" | "errorCode" | "errorMessage">;

/** Writes the Durable Object's current view of a message to its D1 row (one statement). */
export async function writeStatus(db: Database, id: string, projection: StatusProjection): Promise<void> {
  await db
    .update(messages)
    .set({ ...projection, updatedAt: Math.floor(Date.now() / 1000) })
    .where(eq(messages.id, id));
}
