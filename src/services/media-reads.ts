// A stored file read back: by the account's API key (its message's
// attachment) or by a signed media URL. Either way only while the message
// still refers to the file: once its content is gone (discard, redact,
// retention) both are a 404, whatever R2 still holds for other messages.
import { database } from "../db/client.ts";
import { findMediaRef, type MediaRow, mediaRefsOfMessage } from "../db/media.ts";
import { messageShards, shardDatabase } from "../db/shards.ts";
import { mediaPath } from "../delivery/media-links.ts";
import { readSigningSecrets } from "../delivery/signing-secrets.ts";
import { signingSecrets } from "../delivery/webhooks.ts";
import type { Account } from "../domain/account.ts";
import { shardOfMessageId, unixSeconds } from "../domain/ids.ts";
import { type MediaRef, mediaKey } from "../domain/media.ts";
import { mediaRefsOf } from "../domain/media-content.ts";
import { readMediaLink, verifyMediaLink } from "../domain/media-link.ts";
import { readMediaToken, verifyMediaToken } from "../domain/media-token.ts";
import { hidesContent, type Message } from "../domain/message.ts";
import type { Control } from "./control.ts";
import { findAccountMessage } from "./message-reads.ts";

export interface StoredFile {
  ref: MediaRow;
  body: R2ObjectBody;
}

/** The reference to one attachment of a message of the account's; undefined when there is none (any more). */
function fileRef(env: Env, accountId: string, messageId: string, attachmentId: string): Promise<MediaRow | undefined> {
  // References stay on the database the message id names (src/db/media-schema.ts).
  return findMediaRef(shardDatabase(env, shardOfMessageId(messageId)), accountId, messageId, attachmentId);
}

/** The file a reference names, as R2 holds it; null when R2 no longer does. */
async function fileOf(env: Env, ref: MediaRow): Promise<StoredFile | null> {
  const body = await env.MEDIA.get(mediaKey(ref.accountId, ref.sha256));
  return body ? { ref, body } : null;
}

/** The file of one attachment of a message of the account's; null when there is none (any more). */
async function storedFile(env: Env, accountId: string, messageId: string, attachmentId: string): Promise<StoredFile | null> {
  const ref = await fileRef(env, accountId, messageId, attachmentId);
  return ref ? fileOf(env, ref) : null;
}

/** GET /v1/messages/:id/attachments/:attachment_id: the file, or which of the two ids names nothing (any more) of the account's. */
export async function accountAttachment(
  env: Env,
  account: Account,
  messageId: string,
  attachmentId: string,
): Promise<{ ok: true; file: StoredFile } | { ok: false; missing: "message" | "attachment" }> {
  const message = await findAccountMessage(env, account, messageId);
  if (!message) return { ok: false, missing: "message" };
  const file = message.redactedAt ? null : await storedFile(env, account.id, messageId, attachmentId);
  return file ? { ok: true, file } : { ok: false, missing: "attachment" };
}

/** GET /v1/media/:token: null for a token that is malformed, forged, expired, or names a file no longer referred to. */
export async function mediaByToken(env: Env, control: Control, token: string, nowMs = Date.now()): Promise<StoredFile | null> {
  const claims = readMediaToken(token);
  // A message id names its database: one that names none is no message of ours.
  if (!claims || !messageShards(env).includes(shardOfMessageId(claims.messageId))) return null;
  // The reference first, on the message's own database: a forged token names no file, and ends here without a
  // read of the one control database (which the account's secrets may need).
  const ref = await fileRef(env, claims.accountId, claims.messageId, claims.attachmentId);
  if (!ref) return null;
  const secrets = await readSigningSecrets(env, control.db, claims.accountId, claims.messageId, nowMs);
  if (!secrets || !(await verifyMediaToken(token, claims, signingSecrets(secrets, unixSeconds(nowMs)), unixSeconds(nowMs)))) return null;
  return fileOf(env, ref);
}

/**
 * GET /m/:token, a link an SMS carries to one of its files: null for a token
 * that is malformed, forged (by any key but the account's own), expired, or
 * names a file the message no longer refers to.
 */
export async function mediaByLink(env: Env, control: Control, token: string, nowMs = Date.now()): Promise<StoredFile | null> {
  const claims = readMediaLink(token);
  const now = unixSeconds(nowMs);
  if (!claims || claims.expiresAt <= now || !messageShards(env).includes(shardOfMessageId(claims.messageId))) return null;
  const ref = (await mediaRefsOfMessage(shardDatabase(env, shardOfMessageId(claims.messageId)), claims.messageId))[claims.index];
  if (!ref) return null;
  const secrets = await readSigningSecrets(env, control.db, ref.accountId, claims.messageId, nowMs);
  if (!secrets || !(await verifyMediaLink(token, ref.accountId, signingSecrets(secrets, now), now))) return null;
  return fileOf(env, ref);
}

/** A message's file as the Console lists it: its description and, for an image, a signed URL path for its thumbnail. */
export interface ShownFile {
  ref: MediaRef;
  thumbnail: string | null;
}

/** The files the message's content still refers to (none once it is hidden), each image with a fresh signed path. */
export async function messageFiles(env: Env, message: Message, nowMs = Date.now()): Promise<ShownFile[]> {
  const refs = hidesContent(message) ? [] : mediaRefsOf(message.rendered);
  if (refs.length === 0) return [];
  const controlDb = database(env.CONTROL_DB);
  return Promise.all(
    refs.map(async (ref) => ({
      ref,
      thumbnail: ref.content_type.startsWith("image/") ? await mediaPath(env, controlDb, message.accountId, message.id, ref.id, nowMs) : null,
    })),
  );
}
