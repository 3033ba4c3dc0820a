// Accounts and API keys in D1.
import { and, eq, gt, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Account } from "../domain/account.ts";
import type { Permission } from "../domain/api-key.ts";
import type { Database } from "./client.ts";
import { accounts, apiKeys } from "./schema.ts";

/**
 * Whose rows a read may return: the caller's account, or, for reads that ride
 * in the API key's own lookup (before the key is verified), the accounts of
 * the unrevoked keys with the presented prefix. The caller of such a read
 * keeps only the rows of the account the key then proves.
 */
export type AccountScope = { accountId: string } | { keyPrefix: string };

/** The condition that `column` (an account_id) is in the scope. */
export function inAccountScope(db: Database, column: SQLiteColumn, scope: AccountScope): SQL {
  if ("accountId" in scope) return eq(column, scope.accountId);
  const keyAccounts = db
    .select({ accountId: apiKeys.accountId })
    .from(apiKeys)
    .where(and(eq(apiKeys.prefix, scope.keyPrefix), keyWorksNow()));
  return inArray(column, keyAccounts);
}

/** Not revoked, and not past the end of a roll's overlap. */
function keyWorksNow(): SQL {
  return and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`unixepoch()`)))!;
}

export interface KeyCandidate {
  keyId: string;
  hash: string;
  permission: Permission;
  lastUsedAt: number | null;
  account: Account;
}

/**
 * Unrevoked keys whose visible prefix matches, with their accounts (rows of
 * KeyCandidate). Unexecuted, so a route's own reads can share its round trip.
 */
export function activeKeysQuery(db: Database, prefix: string) {
  return (
    db
      // Aliased: in a D1 batch, drizzle reads rows by column name, so the key's
      // "id" would be lost under the account's.
      .select({
        keyId: sql<string>`${apiKeys.id}`.as("key_id"),
        hash: apiKeys.hash,
        permission: apiKeys.permission,
        lastUsedAt: apiKeys.lastUsedAt,
        account: accounts,
      })
      .from(apiKeys)
      .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
      .where(and(eq(apiKeys.prefix, prefix), keyWorksNow()))
  );
}

export async function findAccountByName(db: Database, name: string): Promise<Account | undefined> {
  return db.select().from(accounts).where(eq(accounts.name, name)).get();
}

export async function findAccount(db: Database, accountId: string): Promise<Account | undefined> {
  return db.select().from(accounts).where(eq(accounts.id, accountId)).get();
}

/** Makes `secret` the signing secret; the current one keeps signing until `previousExpiresAt` (Unix seconds). */
export async function rollWebhookSecret(db: Database, account: Account, secret: string, previousExpiresAt: number): Promise<Account> {
  const [updated] = await db
    .update(accounts)
    .set({ webhookSecret: secret, previousWebhookSecret: account.webhookSecret, previousWebhookSecretExpiresAt: previousExpiresAt })
    .where(eq(accounts.id, account.id))
    .returning();
  return updated!;
}
