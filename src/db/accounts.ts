// Accounts and API keys in D1.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Account } from "../domain/account.ts";
import type { Database } from "./client.ts";
import { accounts, apiKeys } from "./schema.ts";

/** Unrevoked keys whose visible prefix matches, with their accounts: how a v2 key (which names no account) finds its own. */
export function activeKeysQuery(db: Database, prefix: string) {
  return (
    db
      // Aliased: in a D1 batch, drizzle reads rows by column name, so the key's
      // "id" would be lost under the account's.
      .select({ keyId: sql<string>`${apiKeys.id}`.as("key_id"), hash: apiKeys.hash, account: accounts })
      .from(apiKeys)
      .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
      .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)))
  );
}

/** What an account's gate holds: the account and its unrevoked keys, in one round trip. */
export async function accountWithKeys(db: Database, accountId: string): Promise<{ account: Account; keys: { id: string; hash: string }[] } | null> {
  const [[account], keys] = await db.batch([
    db.select().from(accounts).where(eq(accounts.id, accountId)),
    db
      .select({ id: apiKeys.id, hash: apiKeys.hash })
      .from(apiKeys)
      .where(and(eq(apiKeys.accountId, accountId), isNull(apiKeys.revokedAt))),
  ]);
  return account ? { account, keys } : null;
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
