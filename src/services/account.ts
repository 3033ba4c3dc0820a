// The account's webhook signing secret, rolled from the API or the Console.
import { generateWebhookSecret } from "../auth/api-key.ts";
import { storeSecretsCopy } from "../db/account-secrets.ts";
import { rollWebhookSecret } from "../db/accounts.ts";
import { shardDatabase } from "../db/shards.ts";
import type { Account } from "../domain/account.ts";
import { unixSeconds } from "../domain/ids.ts";
import { placementOf, shardsBornOn } from "../domain/placement.ts";
import { logger } from "../log.ts";
import type { Control } from "./control.ts";

/** How long the old secret keeps signing after a roll. */
const SECRET_OVERLAP_SECONDS = 24 * 60 * 60;

export async function rollSigningSecret(env: Env, control: Control, account: Account): Promise<Account> {
  const updated = await rollWebhookSecret(control.db, account, generateWebhookSecret(), unixSeconds() + SECRET_OVERLAP_SECONDS);
  // The gate holds the account (its secret is what GET /v1/account answers),
  // and each message database the account's messages are on a copy that signs
  // their callbacks. A copy that could not be written is read through again
  // within a minute (src/delivery/signing-secrets.ts).
  const copied = await Promise.allSettled(
    shardsBornOn(placementOf(updated)).map((shard) => storeSecretsCopy(shardDatabase(env, shard), updated, unixSeconds())),
  );
  if (copied.some((result) => result.status === "rejected")) logger.with({ account_id: updated.id }).warn("secrets_copy_not_written");
  await control.tellGate(updated.id, { account: true });
  return updated;
}
