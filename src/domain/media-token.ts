// Signed media URLs (GET /v1/media/:token): what a provider fetches a file
// from, and the Console's thumbnails, without an API key. A token names one
// attachment of one message and when it expires, signed with HMAC-SHA256
// under the account's webhook signing secret (prefixed, so a token can never
// pass for a webhook signature or the reverse); the route checks the
// signature, the expiry, and that the message still refers to the file.
import { timingSafeEqualStrings } from "./crypto.ts";
import { ATTACHMENT_ID } from "./media.ts";

/** Long enough for a provider's fetch after a queued hand-off, short enough that a leaked link soon dies. */
export const MEDIA_TOKEN_TTL_SECONDS = 60 * 60;

export interface MediaTokenClaims {
  accountId: string;
  messageId: string;
  attachmentId: string;
  /** Unix seconds. */
  expiresAt: number;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

async function signature(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`omniflow-media:${payload}`))));
}

const payloadOf = (claims: MediaTokenClaims) => [claims.accountId, claims.messageId, claims.attachmentId, claims.expiresAt].join(".");

export async function signMediaToken(secret: string, claims: MediaTokenClaims): Promise<string> {
  const payload = payloadOf(claims);
  return `${payload}.${await signature(secret, payload)}`;
}

/** account id . message id . attachment id . expiry . signature (43 characters of base64url: 32 bytes). */
export const MEDIA_TOKEN = new RegExp(
  `^(acct_[0-9a-f]{32})\\.(msg_[0-9a-f]{32})\\.(${ATTACHMENT_ID.source.slice(1, -1)})\\.([0-9]{1,12})\\.[A-Za-z0-9_-]{43}$`,
);

/** The token's claims as written, before any check (null: not a token's shape); `verifyMediaToken` decides. */
export function readMediaToken(token: string): MediaTokenClaims | null {
  const match = MEDIA_TOKEN.exec(token);
  if (!match) return null;
  const [, accountId, messageId, attachmentId, expires] = match as unknown as [string, string, string, string, string];
  return { accountId, messageId, attachmentId, expiresAt: Number(expires) };
}

/** Whether the token is signed by one of the secrets and not expired at `now` (Unix seconds). */
export async function verifyMediaToken(token: string, claims: MediaTokenClaims, secrets: string[], now: number): Promise<boolean> {
  if (claims.expiresAt <= now) return false;
  const given = token.slice(token.lastIndexOf(".") + 1);
  for (const secret of secrets) {
    if (timingSafeEqualStrings(given, await signature(secret, payloadOf(claims)))) return true;
  }
  return false;
}
