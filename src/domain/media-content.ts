// WhatsApp media and MMS: `content.media`, a list of files as base64 or a url
// (as an email's attachments), each with its type's limits. WhatsApp takes
// one medium per message, by Meta's documented types and sizes; an MMS up to
// 10 images, 5 MB in all, to the US and Canada (where Twilio sends MMS).
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import { HEADER_FORMATS, isBase64, MB, type MediaRef, WHATSAPP_MEDIA_TYPES, type WhatsAppMediaType } from "./media.ts";
import type { RenderedContent } from "./rendered.ts";

/** Meta's Cloud API limits per media type (developers.facebook.com, "Supported media types"). */
export const WHATSAPP_MEDIA: Record<WhatsAppMediaType, { types: readonly string[]; maxBytes: number }> = {
  image: { types: ["image/jpeg", "image/png"], maxBytes: 5 * MB },
  video: { types: ["video/mp4", "video/3gpp"], maxBytes: 16 * MB },
  audio: { types: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"], maxBytes: 16 * MB },
  // Meta takes 100 MB; a message's files stop at 25 MB here (the create's body).
  document: {
    types: [
      "application/pdf",
      "text/plain",
      "application/msword",
      "application/vnd.ms-excel",
      "application/vnd.ms-powerpoint",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
    maxBytes: 25 * MB,
  },
  // Animated stickers may be 500 KB, static ones 100 KB.
  sticker: { types: ["image/webp"], maxBytes: 500_000 },
};

/** Twilio MMS: images every US and Canadian carrier takes, 10 per message, 5 MB in all. */
export const MMS = { types: ["image/jpeg", "image/png", "image/gif"], items: 10, totalBytes: 5 * MB, countries: ["US", "CA"] } as const;

const source = {
  content: z.string().min(1).refine(isBase64, "must be standard base64 (RFC 4648: A-Z a-z 0-9 + /, padded with =, no line breaks)").optional(),
  url: z.string().min(1).max(2048).optional(),
};
const hasOneSource = (item: { content?: string; url?: string }) => (item.content === undefined) !== (item.url === undefined);
const ONE_SOURCE = { message: "give the file as content (base64) or url, one of them", path: ["content"] };
const lower = z.string().transform((s) => s.toLowerCase());

const whatsappItem = z
  .strictObject({
    type: z.enum(WHATSAPP_MEDIA_TYPES),
    content_type: lower,
    ...source,
    caption: z.string().min(1).max(1024).optional(),
    filename: z.string().min(1).max(255).optional(),
  })
  .refine(hasOneSource, ONE_SOURCE)
  .superRefine((item, ctx) => {
    const allowed = WHATSAPP_MEDIA[item.type].types;
    if (!allowed.includes(item.content_type))
      ctx.addIssue({ code: "custom", path: ["content_type"], message: `a WhatsApp ${item.type} is one of ${allowed.join(", ")}` });
    if (item.caption !== undefined && (item.type === "audio" || item.type === "sticker"))
      ctx.addIssue({ code: "custom", path: ["caption"], message: `a WhatsApp ${item.type} takes no caption` });
    if (item.filename !== undefined && item.type !== "document")
      ctx.addIssue({ code: "custom", path: ["filename"], message: "only a document has a filename" });
  });

const mmsItem = z
  .strictObject({
    type: z.literal("image").optional(),
    content_type: lower.pipe(z.enum(MMS.types, { error: `must be one of ${MMS.types.join(", ")}` })),
    ...source,
  })
  .refine(hasOneSource, ONE_SOURCE);

// A WhatsApp template's header file: its type must be the template's header format (checked against the template).
const headerItem = z
  .strictObject({
    type: z.enum(HEADER_FORMATS, { error: `must be one of ${HEADER_FORMATS.join(", ")}` }),
    content_type: lower,
    ...source,
    filename: z.string().min(1).max(255).optional(),
  })
  .refine(hasOneSource, ONE_SOURCE)
  .superRefine((item, ctx) => {
    const allowed = WHATSAPP_MEDIA[item.type].types;
    if (!allowed.includes(item.content_type))
      ctx.addIssue({ code: "custom", path: ["content_type"], message: `a WhatsApp ${item.type} is one of ${allowed.join(", ")}` });
    if (item.filename !== undefined && item.type !== "document")
      ctx.addIssue({ code: "custom", path: ["filename"], message: "only a document has a filename" });
  });

/** The file a WhatsApp template with a media header sends there (a create with template_id). */
export const templateMediaField = z.array(headerItem).length(1, "a template's header takes one file").optional().meta({
  description:
    "For a WhatsApp template whose header is an image, video or document: that file (one item, its type the header's format). Required by such a template, refused by any other.",
});

export const whatsappMediaField = z.array(whatsappItem).length(1, "a WhatsApp message carries one medium").optional();
export const mmsMediaField = z.array(mmsItem).min(1).max(MMS.items).optional();
/** What an SMS's media becomes where MMS does not go: "link", the text and a link to each file (src/domain/media-link.ts). */
export const mmsFallbackField = z.enum(["link"], { error: "must be link" }).optional().meta({
  description:
    "link: to a number outside the US and Canada (no MMS), send the text and a link to each file of content[media] as one SMS, instead of refusing it (400 mms_not_supported). The links count in the segments and the price.",
});

/** A file as a message object shows it (a MediaRef): its description, never its bytes. */
export const storedFileSchema = z
  .object({
    id: z.string().meta({ description: "The file's id, for GET /v1/messages/{id}/attachments/{attachment_id}", example: "att_0e1f2a3b4c5d6e7f8a9b0c1d" }),
    filename: z.string(),
    content_type: z.string(),
    size: z.number().int().meta({ description: "Bytes" }),
    sha256: z.string().meta({ description: "The hex SHA-256 of the bytes" }),
    content_id: z.string().optional().meta({ description: "An inline image's id, as the html's cid: names it" }),
    caption: z.string().optional().meta({ description: "WhatsApp: the caption sent with the file, as the create gave it" }),
  })
  .meta({ description: "A stored file's description; its bytes come from the attachments route" });

export type MediaItem = { type?: WhatsAppMediaType; content_type: string; content?: string; url?: string; caption?: string; filename?: string };

/** Why an MMS cannot go to this number (Twilio sends MMS in the US and Canada only), or null. */
export function mmsProblem(to: string): string | null {
  const country = parsePhoneNumberFromString(to)?.country;
  return country && (MMS.countries as readonly string[]).includes(country) ? null : "MMS (content[media]) can only be sent to US and Canadian numbers";
}

/** Whether an SMS's files go as links in its text: it has files, asks for the link fallback, and its number takes no MMS. */
export function sendsMediaAsLinks(to: string, content: Record<string, unknown> | null): boolean {
  const media = content?.media;
  return Array.isArray(media) && media.length > 0 && content?.mms_fallback === "link" && mmsProblem(to) !== null;
}

/** Every file the rendered content refers to (what its retention releases, what its hand-off links). */
export function mediaRefsOf(rendered: RenderedContent | null): MediaRef[] {
  if (!rendered) return [];
  if (rendered.channel === "email") return rendered.attachments ?? [];
  if (rendered.channel === "sms") return rendered.media ?? [];
  if (rendered.type === "template") return rendered.header?.media ? [rendered.header.media] : [];
  return rendered.type === "media" ? [rendered.media] : [];
}
