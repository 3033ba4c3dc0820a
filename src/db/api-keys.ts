// An account's API keys in D1 (the key lookup of every request is in accounts.ts).
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { ApiKey } from "../domain/api-key.ts";
import type { Cursor } from "../domain/cursor.ts";
import type { Database } from "./client.ts";
import { apiKeys } from "./control-schema.ts";
import { accountPage, type Page } from "./pagination.ts";

const byId = (accountId: string, id: string) => and(eq(apiKeys.accountId, accountId), eq(apiKeys.id, id));

export async function insertApiKey(db: Database, row: ApiKey): Promise<ApiKey> {
  const [inserted] = await db.insert(apiKeys).values(row).returning();
  return inserted!;
}

export async function findApiKeyRow(db: Database, accountId: string, id: string): Promise<ApiKey | undefined> {
  return db.select().from(apiKeys).where(byId(accountId, id)).get();
}

/** One page of the account's keys, newest first (key ids sort by creation time). */
export function listApiKeyRows(db: Database, accountId: string, limit: number, cursor: Cursor | null): Promise<Page<ApiKey>> {
  return accountPage(db, { table: apiKeys, order: "desc", accountId, limit, cursor });
}

/** Revokes the key now unless it is revoked already; the key as it is afterwards. */
export async function revokeApiKeyRow(db: Database, accountId: string, id: string, now: number): Promise<ApiKey | undefined> {
  const [updated] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(byId(accountId, id), isNull(apiKeys.revokedAt)))
    .returning();
  return updated ?? findApiKeyRow(db, accountId, id);
}

/**
 * Stores the successor and ends the old key at `expiresAt`, in one batch (one
 * transaction: never an ended key without its successor). Null, with nothing
 * left stored, when the old key was revoked or rolled meanwhile, so two
 * concurrent rolls cannot both make a successor.
 */
export async function rollApiKeyRow(db: Database, old: ApiKey, successor: ApiKey, expiresAt: number): Promise<ApiKey | null> {
  const [[inserted], ended] = await db.batch([
    db.insert(apiKeys).values(successor).returning(),
    db
      .update(apiKeys)
      .set({ expiresAt })
      .where(and(byId(old.accountId, old.id), isNull(apiKeys.revokedAt), isNull(apiKeys.expiresAt)))
      .returning({ id: apiKeys.id }),
  ]);
  if (ended.length > 0) return inserted!;
  await db.delete(apiKeys).where(eq(apiKeys.id, successor.id));
  return null;
}

/** Records a use of the key, unless one was recorded less than `minIntervalSeconds` ago (one write a minute, not one a request). */
export async function touchApiKey(db: Database, id: string, now: number, minIntervalSeconds: number): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, now - minIntervalSeconds + 1))));
}
