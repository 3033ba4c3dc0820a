// Suppressions in D1. Every query is scoped to one account.
import { and, eq, type SQL } from "drizzle-orm";
import type { Channel } from "../domain/address.ts";
import type { Cursor } from "../domain/cursor.ts";
import type { Suppression, SuppressionReason } from "../domain/suppression.ts";
import type { Database } from "./client.ts";
import { suppressions } from "./control-schema.ts";
import { accountPage, type Page } from "./pagination.ts";

const byId = (accountId: string, id: string) => and(eq(suppressions.accountId, accountId), eq(suppressions.id, id));
const byAddress = (accountId: string, channel: Channel, address: string) =>
  and(eq(suppressions.accountId, accountId), eq(suppressions.channel, channel), eq(suppressions.address, address));

/**
 * Unexecuted, so a message create can batch it with its template and sender
 * reads: the recipient's suppression, if any (at most one row).
 */
export function suppressionQuery(db: Database, accountId: string, channel: Channel, address: string) {
  return db
    .select({ id: suppressions.id })
    .from(suppressions)
    .where(byAddress(accountId, channel, address))
    .limit(1);
}

/** Unexecuted, for the gate's load: the account's suppressed recipients, at most `limit`. */
export function suppressedRecipientsQuery(db: Database, accountId: string, limit: number) {
  return db
    .select({ channel: suppressions.channel, address: suppressions.address })
    .from(suppressions)
    .where(eq(suppressions.accountId, accountId))
    .limit(limit);
}

/** The new row, or the one the account already has for this recipient (unchanged). */
export async function insertSuppression(db: Database, row: Suppression): Promise<{ suppression: Suppression; created: boolean }> {
  const [inserted] = await db.insert(suppressions).values(row).onConflictDoNothing().returning();
  if (inserted) return { suppression: inserted, created: true };
  const existing = await db
    .select()
    .from(suppressions)
    .where(byAddress(row.accountId, row.channel, row.address))
    .get();
  // Deleted between the two statements: the insert wins on a retry, so say so.
  if (!existing) return insertSuppression(db, row);
  return { suppression: existing, created: false };
}

export async function findSuppression(db: Database, accountId: string, id: string): Promise<Suppression | undefined> {
  return db.select().from(suppressions).where(byId(accountId, id)).get();
}

export async function deleteSuppression(db: Database, accountId: string, id: string): Promise<Suppression | undefined> {
  const [deleted] = await db.delete(suppressions).where(byId(accountId, id)).returning();
  return deleted;
}

/** Removes the recipient's suppression if it has this reason (START lifts an opt-out, not a bounce); true when one was removed. */
export async function deleteSuppressionWithReason(db: Database, accountId: string, channel: Channel, address: string, reason: SuppressionReason) {
  const deleted = await db
    .delete(suppressions)
    .where(and(byAddress(accountId, channel, address), eq(suppressions.reason, reason)))
    .returning();
  return deleted[0] ?? null;
}

export interface SuppressionFilters {
  channel?: Channel;
  address?: string;
  reason?: SuppressionReason;
}

function filterConditions(filters: SuppressionFilters): (SQL | undefined)[] {
  return [
    filters.channel === undefined ? undefined : eq(suppressions.channel, filters.channel),
    filters.address === undefined ? undefined : eq(suppressions.address, filters.address),
    filters.reason === undefined ? undefined : eq(suppressions.reason, filters.reason),
  ];
}

/** One page of an account's suppressions, newest first, by keyset on (account_id, id). */
export function listSuppressions(
  db: Database,
  accountId: string,
  filters: SuppressionFilters,
  limit: number,
  cursor: Cursor | null,
): Promise<Page<Suppression>> {
  return accountPage(db, { table: suppressions, order: "desc", accountId, limit, cursor, filters: filterConditions(filters) });
}
