// The account's webhook signing secret, rolled from the API or the Console.
import { generateWebhookSecret } from "../auth/api-key.ts";
import { rollWebhookSecret } from "../db/accounts.ts";
import { database } from "../db/client.ts";
import type { Account } from "../domain/account.ts";
import { unixSeconds } from "../domain/ids.ts";
import { tellGate } from "../gate/account-gate.ts";

/** How long the old secret keeps signing after a roll. */
const SECRET_OVERLAP_SECONDS = 24 * 60 * 60;

export async function rollSigningSecret(env: Env, account: Account): Promise<Account> {
  const updated = await rollWebhookSecret(database(env.CONTROL_DB), account, generateWebhookSecret(), unixSeconds() + SECRET_OVERLAP_SECONDS);
  // The gate holds the account (its secret is what GET /v1/account answers).
  await tellGate(env, updated.id, { account: true });
  return updated;
}
