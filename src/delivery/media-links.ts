// Signed media URLs as OmniFlow hands them out: to a provider that fetches a
// message's file by link, and to the Console's thumbnails. Signed with the
// account's webhook signing secret, read as a status callback reads it (the
// copy on the message's own database). And the links an SMS carries to its
// files where MMS does not go (src/domain/media-link.ts).
import { type Database, database } from "../db/client.ts";
import { unixSeconds } from "../domain/ids.ts";
import { linkedText, linkIndexes, MEDIA_LINK_TTL_SECONDS, mediaLinkUrl, signMediaLink } from "../domain/media-link.ts";
import { MEDIA_TOKEN_TTL_SECONDS, signMediaToken } from "../domain/media-token.ts";
import type { Message } from "../domain/message.ts";
import type { RenderedContent } from "../domain/rendered.ts";
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

/**
 * The content as the provider gets it: an SMS whose files go as links is its
 * text followed by a link to each file (valid MEDIA_LINK_TTL_SECONDS from this
 * hand-off), and no longer carries the files; any other content as it is.
 * Null when the links cannot be signed (the account is gone).
 */
export async function withMediaLinks(env: Env, message: Message, rendered: RenderedContent, nowMs: number): Promise<RenderedContent | null> {
  if (rendered.channel !== "sms" || !rendered.linkOrigin || !rendered.media?.length) return rendered;
  const { linkOrigin, media } = rendered;
  const secrets = await readSigningSecrets(env, database(env.CONTROL_DB), message.accountId, message.id, nowMs);
  if (!secrets) return null;
  const expiresAt = unixSeconds(nowMs) + MEDIA_LINK_TTL_SECONDS;
  const urls = await Promise.all(
    linkIndexes(media).map(async (index) =>
      mediaLinkUrl(linkOrigin, await signMediaLink(secrets.webhookSecret, message.accountId, { messageId: message.id, index, expiresAt })),
    ),
  );
  return { channel: "sms", text: linkedText(rendered.text, urls) };
}
