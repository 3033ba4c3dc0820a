// Accounts and API keys in D1.
import { and, eq, gt, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Account } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { Permission } from "../domain/api-key.ts";
import type { Rate } from "../domain/price.ts";
import type { Database } from "./client.ts";
import { accounts, apiKeys } from "./control-schema.ts";
import { accountRatesQuery } from "./rates.ts";
import { suppressedRecipientsQuery } from "./suppressions.ts";
import { webhookEndpoints } from "./webhook-endpoint-schema.ts";

/** Not revoked, and not past the end of a roll's overlap. */
function keyWorksNow(): SQL {
  return and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`unixepoch()`)))!;
}

/** Working keys whose visible prefix matches, with their accounts: how a v2 key (which names no account) finds its own. */
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

/** A key as the account's gate holds it. */
export interface GateKey {
  id: string;
  hash: string;
  permission: Permission;
  /** Unix seconds: the end of a roll's overlap, or null. */
  expiresAt: number | null;
  lastUsedAt: number | null;
}

/**
 * What an account's gate holds: the account, its working keys, (up to
 * `suppressionLimit` + 1 of) its suppressed recipients, how many enabled
 * webhook endpoints it has (read with the account's row, no statement of its
 * own) and its rate card, in one round trip.
 */
export async function accountWithKeys(
  db: Database,
  accountId: string,
  suppressionLimit: number,
): Promise<{ account: Account; keys: GateKey[]; suppressions: { channel: Channel; address: string }[]; enabledEndpoints: number; rates: Rate[] } | null> {
  const enabledEndpoints = sql<number>`(SELECT COUNT(*) FROM ${webhookEndpoints} WHERE ${webhookEndpoints.accountId} = ${accounts.id} AND ${webhookEndpoints.disabled} = 0)`;
  const [[row], keys, suppressed, card] = await db.batch([
    db
      .select({ account: accounts, enabledEndpoints: enabledEndpoints.as("enabled_endpoints") })
      .from(accounts)
      .where(eq(accounts.id, accountId)),
    db
      .select({ id: apiKeys.id, hash: apiKeys.hash, permission: apiKeys.permission, expiresAt: apiKeys.expiresAt, lastUsedAt: apiKeys.lastUsedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.accountId, accountId), keyWorksNow())),
    suppressedRecipientsQuery(db, accountId, suppressionLimit + 1),
    accountRatesQuery(db, accountId),
  ]);
  return row ? { account: row.account, keys, suppressions: suppressed, enabledEndpoints: row.enabledEndpoints, rates: card } : null;
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
