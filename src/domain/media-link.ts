// Media sent as links (content.mms_fallback "link"): an SMS to a country
// without MMS carries its text, then one link per file, each on a line of its
// own. A person opens the link, later than a provider would fetch a file, so
// it lives for days, not an hour (MEDIA_LINK_TTL_SECONDS), and it is short:
// it is part of the text, billed by the segment. Its token is fixed-width
// (48 characters), so the create counts the segments of the text exactly as
// the hand-off sends it, before the links exist.
//
// Token: base64url of 36 bytes, the message id's 16 bytes, the file's index
// (its place among the message's files ordered by attachment id), the expiry
// (Unix seconds, 4 bytes), and the first 15 bytes of an HMAC-SHA256 of all
// that and the account id, under the account's webhook signing secret (as
// the hour-long provider URLs of media-token.ts, with a prefix of its own, so
// neither token passes for the other or for a webhook signature).
import { timingSafeEqualStrings } from "./crypto.ts";
import { hex } from "./hash.ts";
import type { MediaRef } from "./media.ts";

/** Long enough for a recipient to open the SMS days later, short enough that a forwarded link dies within a month. */
export const MEDIA_LINK_TTL_SECONDS = 30 * 86_400;

/** The route (outside /v1: every character of the link is paid for in the SMS). */
const MEDIA_LINK_PATH = "/m/";

const MESSAGE_BYTES = 16;
const SIGNATURE_BYTES = 15;
const TOKEN_BYTES = MESSAGE_BYTES + 1 + 4 + SIGNATURE_BYTES;
/** 36 bytes in base64url: 48 characters, no padding. */
export const MEDIA_LINK_TOKEN_LENGTH = (TOKEN_BYTES / 3) * 4;
export const MEDIA_LINK_TOKEN = new RegExp(`^[A-Za-z0-9_-]{${MEDIA_LINK_TOKEN_LENGTH}}$`);

export interface MediaLinkClaims {
  messageId: string;
  /** The file's place among the message's files ordered by attachment id (linkIndex). */
  index: number;
  /** Unix seconds. */
  expiresAt: number;
}

/** The text an SMS with linked files sends: its own text, then each link on a line of its own. */
export function linkedText(text: string, urls: readonly string[]): string {
  return [text, ...urls].join("\n");
}

export function mediaLinkUrl(origin: string, token: string): string {
  return `${origin}${MEDIA_LINK_PATH}${token}`;
}

/** A link of the exact length (and alphabet) every real link on `origin` has: what the create counts segments with. */
export function placeholderLink(origin: string): string {
  return mediaLinkUrl(origin, "x".repeat(MEDIA_LINK_TOKEN_LENGTH));
}

/** Each file's index in a token: its place among the files ordered by attachment id (as the route reads them). */
export function linkIndexes(refs: readonly MediaRef[]): number[] {
  const ordered = refs.map((ref) => ref.id).sort();
  return refs.map((ref) => ordered.indexOf(ref.id));
}

const toBase64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function claimBytes({ messageId, index, expiresAt }: MediaLinkClaims): Uint8Array {
  const bytes = new Uint8Array(MESSAGE_BYTES + 5);
  const id = messageId.slice("msg_".length);
  for (let i = 0; i < MESSAGE_BYTES; i++) bytes[i] = Number.parseInt(id.slice(i * 2, i * 2 + 2), 16);
  bytes[MESSAGE_BYTES] = index;
  new DataView(bytes.buffer).setUint32(MESSAGE_BYTES + 1, expiresAt);
  return bytes;
}

async function signature(secret: string, accountId: string, claims: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const payload = new TextEncoder().encode(`omniflow-media-link:${accountId}:${hex(claims)}`);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, payload)).subarray(0, SIGNATURE_BYTES);
}

export async function signMediaLink(secret: string, accountId: string, claims: MediaLinkClaims): Promise<string> {
  const bytes = claimBytes(claims);
  const token = new Uint8Array(TOKEN_BYTES);
  token.set(bytes);
  token.set(await signature(secret, accountId, bytes), bytes.byteLength);
  return toBase64url(token);
}

/** The claims as written, before any check (null: not a link token's shape); verifyMediaLink decides. */
export function readMediaLink(token: string): MediaLinkClaims | null {
  if (!MEDIA_LINK_TOKEN.test(token)) return null;
  const bytes = fromBase64url(token);
  return {
    messageId: `msg_${hex(bytes.subarray(0, MESSAGE_BYTES))}`,
    index: bytes[MESSAGE_BYTES]!,
    expiresAt: new DataView(bytes.buffer).getUint32(MESSAGE_BYTES + 1),
  };
}

/** Whether one of the account's secrets signed the token, and it has not expired at `now` (Unix seconds). */
export async function verifyMediaLink(token: string, accountId: string, secrets: string[], now: number): Promise<boolean> {
  const claims = readMediaLink(token);
  if (!claims || claims.expiresAt <= now) return false;
  const bytes = fromBase64url(token);
  const given = hex(bytes.subarray(MESSAGE_BYTES + 5));
  for (const secret of secrets) {
    if (timingSafeEqualStrings(given, hex(await signature(secret, accountId, bytes.subarray(0, MESSAGE_BYTES + 5))))) return true;
  }
  return false;
}
