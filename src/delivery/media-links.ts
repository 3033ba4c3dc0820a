// Signed media URLs as OmniFlow hands them out: to a provider that fetches a
// message's file by link, and to the Console's thumbnails. Signed with the
// account's webhook signing secret, read as a status callback reads it (the
// copy on the message's own database).
import type { Database } from "../db/client.ts";
import { unixSeconds } from "../domain/ids.ts";
import { MEDIA_TOKEN_TTL_SECONDS, signMediaToken } from "../domain/media-token.ts";
import { readSigningSecrets } from "./signing-secrets.ts";

/** The path (under the API's origin) that serves this attachment until the token expires; null when the account is gone. */
export async function mediaPath(
  env: Env,
  controlDb: Database,
  accountId: string,
  messageId: string,
  attachmentId: string,
  nowMs = Date.now(),
): Promise<string | null> {
  const secrets = await readSigningSecrets(env, controlDb, accountId, messageId, nowMs);
  if (!secrets) return null;
  const token = await signMediaToken(secrets.webhookSecret, { accountId, messageId, attachmentId, expiresAt: unixSeconds(nowMs) + MEDIA_TOKEN_TTL_SECONDS });
  return `/v1/media/${token}`;
}
