// Verifications in D1 (their rows on the account's message databases): the
// projection their Durable Object writes, the lists, and the newest pending
// one of a recipient. Every read is scoped to one account.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Cursor } from "../domain/cursor.ts";
import type { Message } from "../domain/message.ts";
import type { VerificationStatus } from "../domain/verification.ts";
import type { Database } from "./client.ts";
import { messages, verifications } from "./message-schema.ts";
import { accountPage, type Page } from "./pagination.ts";

export type VerificationRow = typeof verifications.$inferSelect;

/** The row as the object sees it now; an older version never overwrites a newer one (writes may cross). */
export async function writeVerificationRow(db: Database, row: VerificationRow): Promise<void> {
  const { id: _, accountId: __, createdAt: ___, ...changed } = row;
  await db
    .insert(verifications)
    .values(row)
    .onConflictDoUpdate({ target: verifications.id, set: changed, setWhere: sql`${verifications.version} < excluded.version` });
}

export interface VerificationFilters {
  status?: VerificationStatus;
  to?: string;
}

/** One page of an account's verifications on one database, newest first. */
export function listVerifications(
  db: Database,
  accountId: string,
  filters: VerificationFilters,
  limit: number,
  cursor: Cursor | null,
): Promise<Page<VerificationRow>> {
  const conditions = [
    filters.status === undefined ? undefined : eq(verifications.status, filters.status),
    filters.to === undefined ? undefined : eq(verifications.to, filters.to),
  ];
  return accountPage(db, { table: verifications, order: "desc", accountId, limit, cursor, filters: conditions });
}

/** The id of the recipient's newest pending verification in the account on this database, if any. */
export async function newestPendingVerification(db: Database, accountId: string, to: string): Promise<string | undefined> {
  const row = await db
    .select({ id: verifications.id })
    .from(verifications)
    .where(and(eq(verifications.accountId, accountId), eq(verifications.to, to), eq(verifications.status, "pending")))
    .orderBy(desc(verifications.id))
    .limit(1)
    .get();
  return row?.id;
}

/** The status and attempts of these messages of the account (a list's verifications' sends), in one read. */
export async function sendStatuses(db: Database, accountId: string, ids: string[]): Promise<Pick<Message, "id" | "status" | "attempts">[]> {
  if (ids.length === 0) return [];
  // One bound parameter for the whole list: D1 caps a query at 100.
  const idList = sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
  return db
    .select({ id: messages.id, status: messages.status, attempts: messages.attempts })
    .from(messages)
    .where(and(eq(messages.accountId, accountId), inArray(messages.id, idList)));
}
