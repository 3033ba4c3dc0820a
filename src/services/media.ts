// A create's files: checked against their bytes, hashed, and written once to
// R2 per account and content (the same invoice to 1,000 recipients is one
// object). The message stores and shows each file's description
// ({id, filename, content_type, size, sha256}); its bytes are only in R2, read
// at hand-off and by the attachments route.
import type { Mode } from "../domain/account.ts";
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
import { type MediaItem, MMS, mmsProblem, sendsMediaAsLinks, WHATSAPP_MEDIA } from "../domain/media-content.ts";
import { linkedText, placeholderLink } from "../domain/media-link.ts";
import { type CreateMessageInput, type EmailContent, LIMITS, type MediaContent, type MessageContent, type TemplateContent } from "../domain/message.ts";
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

/** One file a create was given, and the limits it is read under. */
interface FileInput {
  param: string;
  source: { content?: string; url?: string };
  contentType: string;
  filename: string;
  contentId?: string;
  /** Bytes the message may still carry, and what the 413 says the limit is. */
  left: number;
  limit: string;
}

/**
 * An SMS whose files go as links (content.mms_fallback "link" to a number
 * without MMS): its rendered content marked so, on the origin the links are
 * built on (`origin`, PUBLIC_BASE_URL), before its segments are counted.
 * Refused without an origin (no link could be made), with content_retention
 * discard, which would delete the files the links show as soon as the
 * message is final, before its recipient could open them, and when the text
 * with its links is longer than an SMS may be.
 */
export function withMediaLinks(origin: string | null, input: CreateMessageInput, rendered: RenderedContent): Result<RenderedContent> {
  if (rendered.channel !== "sms" || !sendsMediaAsLinks(input.to, input.content as Record<string, unknown>)) return succeed(rendered);
  if (!origin) {
    return fail(
      "content[mms_fallback]",
      "media_links_unavailable",
      "Invalid content[mms_fallback]: this deployment has no PUBLIC_BASE_URL, so it cannot link to the files. Send to a US or Canadian number (MMS), or without media.",
    );
  }
  if (input.contentRetention === "discard") {
    return fail(
      "content_retention",
      "parameter_invalid",
      "Invalid content_retention: discard deletes the files once the message is final, and with content[mms_fallback] link its recipient opens them later from the links. Use retain (and POST /v1/messages/:id/redact when they may go).",
    );
  }
  const count = (input.content as MediaContent).media?.length ?? 0;
  const length = linkedText(
    rendered.text,
    Array.from({ length: count }, () => placeholderLink(origin)),
  ).length;
  if (length > LIMITS.smsText) {
    return fail(
      "content[text]",
      "parameter_invalid",
      `Invalid content[text]: with a line and a link for each of its ${count} files the SMS is ${length} characters, more than the ${LIMITS.smsText} an SMS may be. Shorten the text or send fewer files.`,
    );
  }
  return succeed({ ...rendered, linkOrigin: origin });
}

/**
 * The content's files read (decoded, or fetched from their url), checked and
 * hashed; a problem naming the file at fault. Reads only: nothing is stored.
 */
export async function prepareMedia(mode: Mode, to: string, content: MessageContent, rendered: RenderedContent): Promise<Result<WithMedia>> {
  if (rendered.channel === "email") return prepareAttachments(mode, content as EmailContent, rendered);
  if ("template_id" in content) return prepareHeader(mode, content, rendered);
  const items = (content as MediaContent).media;
  if (!items) return succeed({ content, rendered, files: [] });
  if (rendered.channel === "sms" && !rendered.linkOrigin) {
    const problem = mmsProblem(to);
    if (problem) return fail("to", "mms_not_supported", `Invalid to: ${problem}.`);
  }
  const files: MediaFile[] = [];
  let total = 0;
  for (const [i, item] of items.entries()) {
    const whatsapp = item.type && rendered.channel === "whatsapp" ? WHATSAPP_MEDIA[item.type] : null;
    const max = whatsapp ? whatsapp.maxBytes : MMS.totalBytes - total;
    const limit = whatsapp ? `a WhatsApp ${item.type} is at most ${whatsapp.maxBytes / MB} MB` : `an MMS's media total at most ${MMS.totalBytes / MB} MB`;
    const filename = item.filename ?? `${item.type ?? "image"}-${i + 1}`;
    const file = await readFile(mode, { param: `content[media][${i}]`, source: item, contentType: item.content_type, filename, left: max, limit });
    if (!file.ok) return file;
    total += file.value.ref.size;
    files.push(file.value);
  }
  const refs = files.map((file) => file.ref);
  // A WhatsApp file's caption stays beside it, as the create gave it: the message shows what was sent.
  const stored = { ...(content as MediaContent), media: refs.map((ref, i) => (items[i]?.caption ? { ...ref, caption: items[i].caption } : ref)) };
  if (rendered.channel === "sms") return succeed({ content: stored, rendered: { ...rendered, media: refs }, files });
  const [item] = items as [MediaItem];
  const media: RenderedContent = { channel: "whatsapp", type: "media", mediaType: item.type!, media: refs[0]!, caption: item.caption, filename: item.filename };
  return succeed({ content: stored, rendered: media, files });
}

/** A template's header file: required by a WhatsApp template whose header is an image, video or document, refused by any other. */
async function prepareHeader(mode: Mode, content: TemplateContent, rendered: RenderedContent): Promise<Result<WithMedia>> {
  const template = rendered.channel === "whatsapp" && rendered.type === "template" ? rendered : null;
  const [item] = content.media ?? [];
  if (!template?.header) {
    if (!item) return succeed({ content, rendered, files: [] });
    return fail(
      "content[media]",
      "parameter_invalid",
      `Invalid content[media]: template '${content.template_id}' has no media header to send it in on ${rendered.channel}. Only a WhatsApp template whose header is an image, video or document (its whatsapp[header]) takes a file.`,
    );
  }
  const { format } = template.header;
  if (!item) {
    return fail(
      "content[media]",
      "parameter_missing",
      `Missing content[media]: template '${content.template_id}' has a WhatsApp ${format} header; give that file as content[media] (one item of type ${format}).`,
    );
  }
  if (item.type !== format) {
    return fail(
      "content[media][0][type]",
      "parameter_invalid",
      `Invalid content[media][0][type]: template '${content.template_id}' has a ${format} header, not a ${item.type}.`,
    );
  }
  const { maxBytes } = WHATSAPP_MEDIA[format];
  const file = await readFile(mode, {
    param: "content[media][0]",
    source: item,
    contentType: item.content_type,
    filename: item.filename ?? `${format}-1`,
    left: maxBytes,
    limit: `a WhatsApp ${format} is at most ${maxBytes / MB} MB`,
  });
  if (!file.ok) return file;
  const { ref } = file.value;
  const header = { format, media: ref, ...(item.filename ? { filename: item.filename } : {}) };
  return succeed({ content: { ...content, media: [ref] }, rendered: { ...template, header }, files: [file.value] });
}

async function prepareAttachments(mode: Mode, content: EmailContent, rendered: Extract<RenderedContent, { channel: "email" }>): Promise<Result<WithMedia>> {
  if (!content.attachments) return succeed({ content, rendered, files: [] });
  const files: MediaFile[] = [];
  let total = 0;
  for (const [i, attachment] of content.attachments.entries()) {
    const file = await readFile(mode, {
      param: `content[attachments][${i}]`,
      source: attachment,
      contentType: attachment.content_type,
      filename: attachment.filename,
      contentId: attachment.content_id,
      left: EMAIL_LIMITS.totalBytes - total,
      limit: `a message's attachments total at most ${EMAIL_LIMITS.totalBytes / MB} MB (decoded)`,
    });
    if (!file.ok) return file;
    total += file.value.ref.size;
    files.push(file.value);
  }
  const refs = files.map((file) => file.ref);
  return succeed({ content: { ...content, attachments: refs }, rendered: { ...rendered, attachments: refs }, files });
}

/** One file's bytes, checked against its type and hashed; refused when larger than it may be (413, naming the file). */
async function readFile(mode: Mode, input: FileInput): Promise<Result<MediaFile>> {
  const { param } = input;
  const bytes = await fileBytes(mode, input);
  if (!bytes.ok) return bytes;
  if (!bytesMatchType(input.contentType, bytes.value)) {
    return fail(`${param}[content_type]`, "attachment_type_mismatch", `Invalid ${param}: its bytes are not a ${input.contentType} file.`);
  }
  const ref: MediaRef = {
    id: newAttachmentId(),
    filename: input.filename,
    content_type: input.contentType,
    size: bytes.value.byteLength,
    sha256: await sha256Of(bytes.value),
    ...(input.contentId === undefined ? {} : { content_id: input.contentId }),
  };
  return succeed({ ref, bytes: bytes.value });
}

async function fileBytes(mode: Mode, { param, source, left, limit }: FileInput): Promise<Result<Uint8Array>> {
  const tooLarge = () => fail(param, MEDIA_TOO_LARGE, `Invalid ${param}: ${limit}; this file takes it past that.`);
  if (source.content !== undefined) {
    // The size is known from the base64's length: an oversize file is refused before it is decoded.
    if (base64DecodedSize(source.content) > left) return tooLarge();
    return succeed(decodeBase64(source.content));
  }
  const fetched = await fetchMedia(source.url!, mode, left);
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
