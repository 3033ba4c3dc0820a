// The copies of accounts' webhook signing secrets on a message database (see
// accountSecrets in message-schema.ts).
import { eq } from "drizzle-orm";
import type { Account } from "../domain/account.ts";
import type { Database } from "./client.ts";
import { accountSecrets } from "./message-schema.ts";

export type SecretsCopy = typeof accountSecrets.$inferSelect;

export async function secretsCopy(db: Database, accountId: string): Promise<SecretsCopy | undefined> {
  return db.select().from(accountSecrets).where(eq(accountSecrets.accountId, accountId)).get();
}

/** Writes (or replaces) the account's copy, as of `copiedAt` (Unix seconds). */
export async function storeSecretsCopy(
  db: Database,
  account: Pick<Account, "id" | "webhookSecret" | "previousWebhookSecret" | "previousWebhookSecretExpiresAt">,
  copiedAt: number,
): Promise<void> {
  const copy = {
    webhookSecret: account.webhookSecret,
    previousWebhookSecret: account.previousWebhookSecret,
    previousWebhookSecretExpiresAt: account.previousWebhookSecretExpiresAt,
    copiedAt,
  };
  await db
    .insert(accountSecrets)
    .values({ accountId: account.id, ...copy })
    .onConflictDoUpdate({ target: accountSecrets.accountId, set: copy });
}
