// Provider signatures made the way the providers document them, written here
// apart from src/ so that a receipt test never signs with the code it tests
// (test/providers/signatures.security.test.ts pins these rules to the
// providers' own libraries).
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";

const encoder = new TextEncoder();

async function hmac(hash: "SHA-1" | "SHA-256", secret: string, data: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data)));
}

/** Twilio: base64 HMAC-SHA1, keyed with the auth token, of the full URL followed by each POST parameter's name and value, sorted by name. */
export async function twilioRequestSignature(authToken: string, url: string, params: Record<string, string>): Promise<string> {
  const signed = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return btoa(String.fromCharCode(...(await hmac("SHA-1", authToken, signed))));
}

/** Meta: "sha256=" and the hex HMAC-SHA256 of the raw body, keyed with the app secret. */
export async function metaRequestSignature(appSecret: string, body: string): Promise<string> {
  return `sha256=${[...(await hmac("SHA-256", appSecret, body))].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** Resend (Svix): the Standard Webhooks signature over `{id}.{timestamp}.{body}`, in svix-* headers. */
export function svixHeaders(body: string, secret = env.RESEND_WEBHOOK_SECRET!) {
  const id = `msg_${crypto.randomUUID()}`;
  const timestamp = new Date();
  const signature = new Webhook(secret).sign(id, timestamp, body);
  return { "svix-id": id, "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "svix-signature": signature, "Content-Type": "application/json" };
}

/** A Resend webhook event about an email OmniFlow tagged with its message id. */
export const resendEvent = (type: string, emailId: string, messageId: string, extra: object = {}) =>
  JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: { email_id: emailId, to: ["ana@example.com"], tags: { omniflow_message_id: messageId }, ...extra },
  });
