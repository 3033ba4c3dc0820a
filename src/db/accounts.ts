// Accounts and API keys in D1.
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "./client.ts";
import { accounts, apiKeys, type AccountRow } from "./schema.ts";

export interface KeyCandidate {
  keyId: string;
  hash: string;
  account: AccountRow;
}

/** Unrevoked keys whose visible prefix matches, with their accounts. */
export async function activeKeysByPrefix(db: Database, prefix: string): Promise<KeyCandidate[]> {
  const rows = await db
    .select({ keyId: apiKeys.id, hash: apiKeys.hash, account: accounts })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)));
  return rows;
}

export async function findAccount(db: Database, accountId: string): Promise<AccountRow | undefined> {
  return db.select().from(accounts).where(eq(accounts.id, accountId)).get();
}

/** Makes `secret` the signing secret; the current one keeps signing until `previousExpiresAt` (Unix seconds). */
export async function rollWebhookSecret(db: Database, account: AccountRow, secret: string, previousExpiresAt: number): Promise<AccountRow> {
  const [updated] = await db
    .update(accounts)
    .set({ webhookSecret: secret, previousWebhookSecret: account.webhookSecret, previousWebhookSecretExpiresAt: previousExpiresAt })
    .where(eq(accounts.id, account.id))
    .returning();
  return updated!;
}
