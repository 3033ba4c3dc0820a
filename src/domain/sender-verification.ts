// How a live sender is proven: every tenant sends through the
// platform's own Twilio, Meta and Resend accounts, which only check that the
// platform owns an address, so OmniFlow itself must know which account an
// address belongs to before it sends from it.
import type { Channel } from "./address.ts";
import { timingSafeEqualStrings } from "./crypto.ts";

/**
 * sandbox: a test-mode sender (nothing leaves the machine, so nothing to prove);
 * pending_verification: claimed by a live account, not usable yet;
 * verified: proven by the account (DNS TXT record, or a code sent to the number);
 * operator_bound: bound to the account by the operator (`npm run keys -- senders add`).
 */
export type SenderStatus = "sandbox" | "pending_verification" | "verified" | "operator_bound";

/** Statuses a message may be sent from (test-mode accounts only ever have sandbox senders). */
export const USABLE_SENDER_STATUSES = ["sandbox", "verified", "operator_bound"] as const satisfies readonly SenderStatus[];

/** Statuses that bind a live address (and a phone_number_id) to one account: D1's unique indexes hold them. */
export const BOUND_SENDER_STATUSES = ["verified", "operator_bound"] as const satisfies readonly SenderStatus[];

export const CODE_TTL_SECONDS = 600;
export const MAX_CODE_ATTEMPTS = 5;

const ALPHANUMERIC = /[A-Za-z]/;

/** How a live sender of this address proves itself: anyone may claim "PayPal", so only the operator approves alphanumeric ids. */
export function verificationMethod(channel: Channel, address: string): "dns_txt" | "code" | "operator" {
  if (channel === "email") return "dns_txt";
  return ALPHANUMERIC.test(address) ? "operator" : "code";
}

/** The DNS name whose TXT record proves the email sender's domain. */
export function txtRecordName(emailAddress: string): string {
  return `_omniflow-verification.${emailAddress.slice(emailAddress.lastIndexOf("@") + 1)}`;
}

export function txtRecordValue(token: string): string {
  return `omniflow-verification=${token}`;
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A token to publish in DNS: 128 random bits. */
export function newVerificationToken(): string {
  return randomHex(16);
}

/** A six-digit one-time code, uniform (rejection sampling avoids the modulo bias). */
export function newVerificationCode(): string {
  const value = new Uint32Array(1);
  do crypto.getRandomValues(value);
  while (value[0]! >= 4_294_000_000);
  return String(value[0]! % 1_000_000).padStart(6, "0");
}

/** Only a hash of the code is stored, salted with the sender id so one table of six-digit hashes fits no two senders. */
export async function hashVerificationCode(senderId: string, code: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${senderId}:${code}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export type CodeCheck = "ok" | "wrong" | "expired" | "exhausted";

/** Whether `code` confirms the pending code; a check past the attempt limit fails even with the right code. */
export async function checkVerificationCode(
  pending: { id: string; verificationCodeHash: string | null; verificationExpiresAt: number | null; verificationAttempts: number },
  code: string,
  now: number,
): Promise<CodeCheck> {
  if (pending.verificationAttempts >= MAX_CODE_ATTEMPTS) return "exhausted";
  if (pending.verificationCodeHash === null || pending.verificationExpiresAt === null || now >= pending.verificationExpiresAt) return "expired";
  return timingSafeEqualStrings(await hashVerificationCode(pending.id, code), pending.verificationCodeHash) ? "ok" : "wrong";
}

/**
 * The TXT strings of a DNS-over-HTTPS JSON answer (RFC 8484's JSON dialect, as
 * Cloudflare and Google serve it): "NXDOMAIN" and "no TXT" are answers; a
 * server failure is not. A TXT record of several character-strings is their
 * concatenation (RFC 7208 section 3.3 reads them the same way).
 */
export function txtStrings(answer: unknown): { records: string[] } | { error: string } {
  if (typeof answer !== "object" || answer === null || typeof (answer as { Status?: unknown }).Status !== "number") {
    return { error: "the DNS resolver sent an answer that is not DNS JSON" };
  }
  const { Status: status, Answer: records } = answer as { Status: number; Answer?: unknown };
  // 0 NOERROR, 3 NXDOMAIN: the name has no records. Anything else (SERVFAIL, REFUSED...) says nothing about them.
  if (status === 3) return { records: [] };
  if (status !== 0) return { error: `the DNS resolver answered with DNS status ${status}` };
  if (!Array.isArray(records)) return { records: [] };
  const TXT = 16;
  return {
    records: records
      .filter((record): record is { type: number; data: string } => record?.type === TXT && typeof record.data === "string")
      .map((record) => [...record.data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((part) => part[1]!.replace(/\\(.)/g, "$1")).join("") || record.data),
  };
}
