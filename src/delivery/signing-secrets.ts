// The account's webhook signing secrets, as signing a status callback reads
// them: from the copy on the message's own database, so that callbacks cost
// the one control database nothing at scale (docs/scale.md). A copy is written
// by every roll to each database the account's messages are on; a missing
// copy, or one older than COPY_TRUST_SECONDS, is read through from the control
// database and written again, so a copy a failed roll left behind signs for a
// minute at most.

import { secretsCopy, storeSecretsCopy } from "../db/account-secrets.ts";
import { findAccount } from "../db/accounts.ts";
import type { Database } from "../db/client.ts";
import { shardDatabase } from "../db/shards.ts";
import { shardOfMessageId, unixSeconds } from "../domain/ids.ts";
import { logger } from "../log.ts";
import type { SigningSecrets } from "./delivery-state.ts";

export const COPY_TRUST_SECONDS = 60;

/** The secrets that sign the callbacks of this message of the account; null when the account is gone. */
export async function readSigningSecrets(
  env: Env,
  controlDb: Database,
  accountId: string,
  messageId: string,
  nowMs = Date.now(),
): Promise<SigningSecrets | null> {
  // The shard the id names: a copy is kept on every shard the account's messages are created on.
  const shard = shardDatabase(env, shardOfMessageId(messageId));
  const now = unixSeconds(nowMs);
  const copy = await secretsCopy(shard, accountId);
  if (copy && now - copy.copiedAt < COPY_TRUST_SECONDS) return signingOf(copy, nowMs);
  const account = await findAccount(controlDb, accountId);
  if (!account) return null;
  // A failed write only means the next read comes here again.
  await storeSecretsCopy(shard, account, now).catch((error: unknown) => logger.with({ account_id: accountId }).warn("secrets_copy_not_written", { error }));
  return signingOf(account, nowMs);
}

function signingOf(secrets: Omit<SigningSecrets, "readAt">, readAt: number): SigningSecrets {
  const { webhookSecret, previousWebhookSecret, previousWebhookSecretExpiresAt } = secrets;
  return { webhookSecret, previousWebhookSecret, previousWebhookSecretExpiresAt, readAt };
}
