import type { HeaderFormat, MediaRef, WhatsAppMediaType } from "./media.ts";

/** A WhatsApp template's media header as sent: its format, and the file the create gave for it. */
export interface TemplateHeader {
  format: HeaderFormat;
  media?: MediaRef;
  /** A document's file name, as the recipient sees it. */
  filename?: string;
}

// What a provider adapter sends: the message content resolved for its channel.
// Direct content maps one to one; template content is rendered from the
// account's template when the message is created, and stored, so later
// template edits never change a message's history.
export type RenderedContent =
  // An MMS carries its images (stored in R2, linked at hand-off); the text is still sized in segments.
  // With linkOrigin (mms_fallback "link", src/domain/media-link.ts) the images go as links after the text
  // instead, built on this origin: fixed at create, so the text sent is as long as the segments counted.
  | { channel: "sms"; text: string; media?: MediaRef[]; linkOrigin?: string }
  | { channel: "whatsapp"; type: "text"; text: string }
  // Meta's media message: one file by link, with its caption (image, video, document) and a document's filename.
  | { channel: "whatsapp"; type: "media"; mediaType: WhatsAppMediaType; media: MediaRef; caption?: string; filename?: string }
  // WhatsApp templates are approved by Meta: we send the template's name and
  // language and map variables onto its body parameters, in order. A template
  // whose header is an image, video or document sends the create's file as
  // its header parameter (stored in R2, linked at hand-off; `media` is set by
  // src/services/media.ts once the file is read).
  | { channel: "whatsapp"; type: "template"; name: string; language: string; bodyParams: string[]; header?: TemplateHeader }
  // Attachments as stored in R2 (their bytes are read at hand-off); custom headers as the create gave them.
  | { channel: "email"; subject: string; text?: string; html?: string; headers?: Record<string, string>; attachments?: MediaRef[] };
