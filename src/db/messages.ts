// Messages in D1. Every query is scoped to one account.
import { and, eq } from "drizzle-orm";
import type { Channel } from "../domain/address.ts";
import type { Cursor } from "../domain/cursor.ts";
import type { Database } from "./client.ts";
import { accountPage, type Page } from "./pagination.ts";
import { messages, type MessageRow, type NewMessageRow, type SenderRow, type TemplateRow } from "./schema.ts";
import { sendersQuery } from "./senders.ts";
import { templateQuery } from "./templates.ts";

export interface CreateReads {
  templateId?: string;
  /** The channel's sender with this address, or with address undefined its default pool. */
  senders?: { channel: Channel; address: string | undefined };
}

/** What a create reads besides the account, in at most one D1 round trip. */
export async function readForCreate(
  db: Database,
  accountId: string,
  reads: CreateReads,
): Promise<{ template: TemplateRow | undefined; senders: SenderRow[] }> {
  const template = reads.templateId === undefined ? undefined : templateQuery(db, accountId, reads.templateId);
  const pool = reads.senders && sendersQuery(db, accountId, reads.senders.channel, reads.senders.address);
  if (template && pool) {
    const [[row], rows] = await db.batch([template, pool]);
    return { template: row, senders: rows };
  }
  return { template: template ? (await template)[0] : undefined, senders: pool ? await pool : [] };
}

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

/**
 * One page of an account's messages, newest first, by keyset on (account_id, id)
 * (ids sort by creation time).
 */
export function listMessages(db: Database, accountId: string, limit: number, cursor: Cursor | null): Promise<Page<MessageRow>> {
  return accountPage(db, messages, "desc", accountId, limit, cursor);
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
