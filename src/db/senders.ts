// Senders in D1. Every query is scoped to one account.
import { and, asc, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { Account } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { Cursor } from "../domain/cursor.ts";
import type { Sender } from "../domain/sender.ts";
import { BOUND_SENDER_STATUSES, USABLE_SENDER_STATUSES } from "../domain/sender-verification.ts";
import type { Database } from "./client.ts";
import { accounts, senders } from "./control-schema.ts";
import { accountPage, type Page } from "./pagination.ts";

const byId = (accountId: string, id: string) => and(eq(senders.accountId, accountId), eq(senders.id, id));

/** The new row, or null when the account already has this address on this channel. */
export async function insertSender(db: Database, row: Sender): Promise<Sender | null> {
  const [inserted] = await db.insert(senders).values(row).onConflictDoNothing().returning();
  return inserted ?? null;
}

/**
 * The operator's binding (`npm run keys -- senders add`): the row new, or the
 * account's own row for the address (a pending claim, an alphanumeric id
 * awaiting approval) made operator_bound, its proof dropped, its number id
 * and name kept unless new ones are given. The row as stored.
 */
export async function bindSenderRow(db: Database, row: Sender): Promise<Sender> {
  const [bound] = await db
    .insert(senders)
    .values(row)
    .onConflictDoUpdate({
      target: [senders.accountId, senders.channel, senders.address],
      set: {
        status: "operator_bound",
        phoneNumberId: sql`coalesce(excluded.phone_number_id, ${senders.phoneNumberId})`,
        name: sql`coalesce(excluded.name, ${senders.name})`,
        verificationToken: null,
        verificationCodeHash: null,
        verificationExpiresAt: null,
      },
    })
    .returning();
  return bound!;
}

/**
 * Unexecuted, so a message create can batch it with its template lookup: the
 * channel's usable sender with this address, or without one the channel's
 * default pool of usable senders, ordered by id so that picking from it is
 * stable. A sender pending verification is neither: the filter is in the
 * query, so proving senders costs the create nothing.
 */
export function sendersQuery(db: Database, accountId: string, channel: Channel, address: string | undefined) {
  const match = address === undefined ? eq(senders.isDefault, true) : eq(senders.address, address);
  return db
    .select()
    .from(senders)
    .where(and(eq(senders.accountId, accountId), eq(senders.channel, channel), match, inArray(senders.status, [...USABLE_SENDER_STATUSES])))
    .orderBy(asc(senders.id));
}

/**
 * Which of this live address and WhatsApp number id another account holds as
 * a proven sender, if any. Only which: the account holding it is not the caller's business.
 */
export async function boundElsewhere(
  db: Database,
  accountId: string,
  channel: Channel,
  address: string,
  phoneNumberId: string | null,
): Promise<"address" | "phone_number_id" | null> {
  const sameAddress = and(eq(senders.channel, channel), eq(senders.address, address));
  const [held] = await db
    .select({ channel: senders.channel, address: senders.address })
    .from(senders)
    .where(
      and(
        ne(senders.accountId, accountId),
        inArray(senders.status, [...BOUND_SENDER_STATUSES]),
        phoneNumberId === null ? sameAddress : or(sameAddress, eq(senders.phoneNumberId, phoneNumberId)),
      ),
    )
    .limit(1);
  if (!held) return null;
  return held.channel === channel && held.address === address ? "address" : "phone_number_id";
}

/** Marks a pending sender verified; false when the unique indexes say another account proved it first. */
export async function markVerified(db: Database, accountId: string, id: string): Promise<boolean> {
  try {
    await db
      .update(senders)
      .set({ status: "verified", verificationToken: null, verificationCodeHash: null, verificationExpiresAt: null })
      .where(and(byId(accountId, id), eq(senders.status, "pending_verification")));
    return true;
  } catch (error) {
    if (/UNIQUE constraint failed/.test(String((error as Error).cause ?? error))) return false;
    throw error;
  }
}

/**
 * Counts one code check, atomically: the row with its new count, or undefined
 * when the sender is no longer pending (deleted, or verified meanwhile).
 */
export async function countCodeAttempt(db: Database, accountId: string, id: string): Promise<Sender | undefined> {
  const [row] = await db
    .update(senders)
    .set({ verificationAttempts: sql`${senders.verificationAttempts} + 1` })
    .where(and(byId(accountId, id), eq(senders.status, "pending_verification")))
    .returning();
  return row;
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

/**
 * The account that a number receiving a reply belongs to, with the number as
 * its sender has it: the account holding it as a proven sender (verified or
 * operator-bound, so at most one), found by address or, for WhatsApp, by
 * Meta's phone-number id.
 */
export async function accountOfNumber(
  db: Database,
  channel: Channel,
  address: string,
  phoneNumberId?: string,
): Promise<{ account: Account; address: string } | undefined> {
  const number = phoneNumberId === undefined ? eq(senders.address, address) : or(eq(senders.address, address), eq(senders.phoneNumberId, phoneNumberId));
  const [row] = await db
    .select({ account: accounts, address: senders.address })
    .from(senders)
    .innerJoin(accounts, eq(accounts.id, senders.accountId))
    .where(and(eq(senders.channel, channel), inArray(senders.status, [...BOUND_SENDER_STATUSES]), number))
    .limit(1);
  return row;
}

/** The account's sender on the channel with this address, whatever its status. */
export async function findSenderByAddress(db: Database, accountId: string, channel: Channel, address: string): Promise<Sender | undefined> {
  return db
    .select()
    .from(senders)
    .where(and(eq(senders.accountId, accountId), eq(senders.channel, channel), eq(senders.address, address)))
    .get();
}
