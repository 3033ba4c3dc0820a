// Senders in D1. Every query is scoped to one account.
import { and, asc, eq } from "drizzle-orm";
import type { Channel } from "../domain/address.ts";
import type { Cursor } from "../domain/cursor.ts";
import type { Sender } from "../domain/sender.ts";
import type { Database } from "./client.ts";
import { accountPage, type Page } from "./pagination.ts";
import { senders } from "./schema.ts";

const byId = (accountId: string, id: string) => and(eq(senders.accountId, accountId), eq(senders.id, id));

/** The new row, or null when the account already has this address on this channel. */
export async function insertSender(db: Database, row: Sender): Promise<Sender | null> {
  const [inserted] = await db.insert(senders).values(row).onConflictDoNothing().returning();
  return inserted ?? null;
}

/**
 * Unexecuted, so a message create can batch it with its template lookup: the
 * channel's sender with this address, or without one the channel's default
 * pool, ordered by id so that picking from it is stable.
 */
export function sendersQuery(db: Database, accountId: string, channel: Channel, address: string | undefined) {
  const match = address === undefined ? eq(senders.isDefault, true) : eq(senders.address, address);
  return db
    .select()
    .from(senders)
    .where(and(eq(senders.accountId, accountId), eq(senders.channel, channel), match))
    .orderBy(asc(senders.id));
}

export async function findSender(db: Database, accountId: string, id: string): Promise<Sender | undefined> {
  return db.select().from(senders).where(byId(accountId, id)).get();
}

export async function deleteSender(db: Database, accountId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(senders).where(byId(accountId, id)).returning({ id: senders.id });
  return deleted.length > 0;
}

/** One page of an account's senders, newest first, by keyset on (account_id, id) (ids sort by creation time). */
export function listSenders(db: Database, accountId: string, limit: number, cursor: Cursor | null): Promise<Page<Sender>> {
  return accountPage(db, { table: senders, order: "desc", accountId, limit, cursor });
}
