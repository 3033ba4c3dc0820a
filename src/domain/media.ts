// Attachments and media: what a file may be, checked against its own bytes.
// A declared content type is only believed when the file starts the way that
// type starts (its magic number): a `.pdf` that is really an executable, or an
// HTML page posing as an image, is refused before anything is stored. Text
// types have no magic number: they must be UTF-8 without NUL bytes.
import { HEADER_SAFE } from "./header-safe.ts";

export const MB = 1_000_000;

/** How the bytes of a type are recognized. */
type Sniff = "pdf" | "png" | "jpeg" | "gif" | "webp" | "zip" | "ole" | "calendar" | "text" | "mp3" | "ogg" | "aac" | "amr" | "mp4" | "3gp";

/** Every content type OmniFlow accepts anywhere, with how its bytes are checked. */
const SNIFFS: Record<string, Sniff> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
  "text/calendar": "calendar",
  "text/plain": "text",
  "text/csv": "text",
  "application/zip": "zip",
  "application/msword": "ole",
  "application/vnd.ms-excel": "ole",
  "application/vnd.ms-powerpoint": "ole",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "zip",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "zip",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "zip",
  "audio/mpeg": "mp3",
  "audio/ogg": "ogg",
  "audio/aac": "aac",
  "audio/amr": "amr",
  "audio/mp4": "mp4",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
};

/** What an email may attach: documents, images, calendar invites, text (no executables, no HTML). */
export const EMAIL_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "text/calendar",
  "text/plain",
  "text/csv",
  "application/zip",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
] as const;

export const EMAIL_LIMITS = {
  attachments: 10,
  /** The decoded total of one message's attachments (Resend takes 40 MB; base64 in JSON adds a third). */
  totalBytes: 25 * MB,
  filename: 255,
  contentId: 128,
} as const;

const startsWith = (bytes: Uint8Array, prefix: number[], at = 0) => prefix.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Whether a valid UTF-8 text without NUL (or other C0 controls than tab and line breaks). */
function isText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return false;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: binary files are told from text by these.
  return !/[\u0000-\u0008\u000b\u000e-\u001f]/.test(text);
}

const CHECKS: Record<Sniff, (bytes: Uint8Array) => boolean> = {
  pdf: (b) => startsWith(b, ascii("%PDF-")),
  png: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  jpeg: (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  gif: (b) => startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a")),
  webp: (b) => startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8),
  zip: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]),
  ole: (b) => startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  calendar: (b) => isText(b) && /^\uFEFF?\s*BEGIN:VCALENDAR/i.test(new TextDecoder().decode(b.subarray(0, 64))),
  text: isText,
  mp3: (b) => startsWith(b, ascii("ID3")) || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0),
  ogg: (b) => startsWith(b, ascii("OggS")),
  aac: (b) => b[0] === 0xff && (b[1] === 0xf1 || b[1] === 0xf9),
  amr: (b) => startsWith(b, ascii("#!AMR")),
  mp4: (b) => startsWith(b, ascii("ftyp"), 4),
  "3gp": (b) => startsWith(b, ascii("ftyp3g"), 4),
};

/** Whether the bytes are what `contentType` says (a type OmniFlow does not know never is). */
export function bytesMatchType(contentType: string, bytes: Uint8Array): boolean {
  const sniff = SNIFFS[contentType];
  return sniff !== undefined && bytes.byteLength > 0 && CHECKS[sniff](bytes);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether the text is standard base64 (RFC 4648 section 4, padded, no line breaks). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

/** The size of what valid base64 decodes to, from its length alone (no decoding). */
export function base64DecodedSize(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: String.fromCharCode takes its bytes as arguments, and a call has a limit on those.
  for (let i = 0; i < bytes.byteLength; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A file name that can go into a MIME header and names no path. */
const FILENAME = /^[^/\\]+$/;
export const isSafeFilename = (name: string) => FILENAME.test(name) && HEADER_SAFE.test(name) && name.trim() === name;

/** A Content-ID as the html's `cid:` references it. */
export const CONTENT_ID = /^[A-Za-z0-9._@-]+$/;

/** Meta's media message types (WhatsApp); their limits are in media-content.ts. */
export const WHATSAPP_MEDIA_TYPES = ["image", "document", "audio", "video", "sticker"] as const;
export type WhatsAppMediaType = (typeof WHATSAPP_MEDIA_TYPES)[number];

/** The media a WhatsApp template's header may be (Meta's header formats IMAGE, VIDEO, DOCUMENT). */
export const HEADER_FORMATS = ["image", "video", "document"] as const;
export type HeaderFormat = (typeof HEADER_FORMATS)[number];

/** An attachment or medium as stored and shown: the file's description, never its bytes. */
export interface MediaRef {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  content_id?: string;
}

/** A file a create was given, checked and hashed, with its bytes (kept in memory until stored in R2). */
export interface MediaFile {
  ref: MediaRef;
  bytes: Uint8Array;
}

/** The R2 key of an account's file: one object per account and content, whatever the message. */
export function mediaKey(accountId: string, sha256: string): string {
  return `${accountId}/${sha256}`;
}

/** A message's attachment id: `att_` and 24 hex digits. */
export function newAttachmentId(): string {
  return `att_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

export const ATTACHMENT_ID = /^att_[0-9a-f]{24}$/;
