// A create's files: checked against their bytes, hashed, and written once to
// R2 per account and content (the same invoice to 1,000 recipients is one
// object). The message stores and shows each file's description
// ({id, filename, content_type, size, sha256}); its bytes are only in R2, read
// at hand-off and by the attachments route.
import type { Mode } from "../domain/account.ts";
import type { AttachmentInput } from "../domain/email-files.ts";
import { hex } from "../domain/hash.ts";
import {
  base64DecodedSize,
  bytesMatchType,
  decodeBase64,
  EMAIL_LIMITS,
  MB,
  type MediaFile,
  type MediaRef,
  mediaKey,
  newAttachmentId,
} from "../domain/media.ts";
import type { EmailContent, MessageContent } from "../domain/message.ts";
import type { RenderedContent } from "../domain/rendered.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { fetchMedia } from "./media-fetch.ts";

/** A problem whose HTTP answer is 413: the files are larger than a message may carry. */
export const MEDIA_TOO_LARGE = "media_too_large";

export interface WithMedia {
  /** The content as stored and shown: files as their descriptions. */
  content: Record<string, unknown>;
  rendered: RenderedContent;
  /** The files with their bytes, for storeMedia; empty when the content has none. */
  files: MediaFile[];
}

const sha256Of = async (bytes: Uint8Array) => hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));

/**
 * The content's files read (decoded, or fetched from their url), checked and
 * hashed; a problem naming the file at fault. Reads only: nothing is stored.
 */
export async function prepareMedia(mode: Mode, content: MessageContent, rendered: RenderedContent): Promise<Result<WithMedia>> {
  const attachments = rendered.channel === "email" && "subject" in content ? content.attachments : undefined;
  if (!attachments) return succeed({ content, rendered, files: [] });
  const files: MediaFile[] = [];
  let total = 0;
  for (const [i, attachment] of attachments.entries()) {
    const param = `content[attachments][${i}]`;
    const bytes = await attachmentBytes(mode, attachment, param, EMAIL_LIMITS.totalBytes - total);
    if (!bytes.ok) return bytes;
    total += bytes.value.byteLength;
    if (!bytesMatchType(attachment.content_type, bytes.value)) {
      return fail(`${param}[content_type]`, "attachment_type_mismatch", `Invalid ${param}: its bytes are not a ${attachment.content_type} file.`);
    }
    const ref: MediaRef = {
      id: newAttachmentId(),
      filename: attachment.filename,
      content_type: attachment.content_type,
      size: bytes.value.byteLength,
      sha256: await sha256Of(bytes.value),
      ...(attachment.content_id === undefined ? {} : { content_id: attachment.content_id }),
    };
    files.push({ ref, bytes: bytes.value });
  }
  const refs = files.map((file) => file.ref);
  return succeed({ content: { ...(content as EmailContent), attachments: refs }, rendered: { ...rendered, attachments: refs }, files });
}

/** One file's bytes, refused when they would take the message past its total (413, naming the file). */
async function attachmentBytes(mode: Mode, attachment: AttachmentInput, param: string, left: number): Promise<Result<Uint8Array>> {
  const tooLarge = () =>
    fail(
      param,
      MEDIA_TOO_LARGE,
      `Invalid ${param}: a message's attachments total at most ${EMAIL_LIMITS.totalBytes / MB} MB (decoded); this one takes it past that.`,
    );
  if (attachment.content !== undefined) {
    // The size is known from the base64's length: an oversize file is refused before it is decoded.
    if (base64DecodedSize(attachment.content) > left) return tooLarge();
    return succeed(decodeBase64(attachment.content));
  }
  const fetched = await fetchMedia(attachment.url!, mode, left);
  if (fetched.ok) return fetched;
  if (fetched.tooLarge) return tooLarge();
  return fail(`${param}[url]`, "attachment_url_invalid", `Invalid ${param}[url]: ${fetched.problem}.`);
}

/**
 * Writes the files to R2, each at most once per account: a file already
 * there is not uploaded again. The account's gate is told first
 * (src/gate/media-claims.ts), so no deletion can remove a file between this
 * check and the message's reference to it.
 */
export async function storeMedia(env: Env, accountId: string, files: MediaFile[]): Promise<void> {
  const unique = new Map(files.map((file) => [file.ref.sha256, file]));
  if (unique.size === 0) return;
  await env.ACCOUNT_GATE.getByName(accountId).claimMedia([...unique.keys()]);
  await Promise.all(
    [...unique.values()].map(async ({ ref, bytes }) => {
      const key = mediaKey(accountId, ref.sha256);
      if (await env.MEDIA.head(key)) return;
      // R2 checks the upload against its SHA-256: a corrupted transfer fails instead of storing other bytes.
      await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: ref.content_type }, sha256: ref.sha256 });
    }),
  );
}
