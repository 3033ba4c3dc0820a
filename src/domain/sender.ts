// Senders: the addresses an account sends from, per channel, and the choice of
// one from the channel's default pool when a message omits `from`.
import { z } from "zod";
import type { Mode } from "./account.ts";
import { type Channel, isEmail, normalizeSender } from "./address.ts";
import { HEADER_SAFE, HEADER_SAFE_RULE } from "./header-safe.ts";
import { channelSchema } from "./message.ts";
import { MAX_CODE_ATTEMPTS, type SenderStatus, txtRecordName, txtRecordValue, verificationMethod } from "./sender-verification.ts";

// Form bodies carry booleans as "true"/"false".
const booleanParam = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

/** The body of POST /v1/senders, normalized: phone numbers in E.164, email addresses lower-cased. */
export const createSenderSchema = z
  .strictObject({
    channel: channelSchema,
    address: z.string().min(1).max(254),
    phone_number_id: z
      .string()
      .regex(/^[0-9]{1,32}$/, "must be the numeric phone-number id Meta shows in WhatsApp Manager")
      .optional(),
    name: z
      .string()
      .regex(/^[^<>"]{1,100}$/, 'must be 1-100 characters without <, > or "')
      .regex(HEADER_SAFE, HEADER_SAFE_RULE)
      .optional(),
    default: booleanParam.default(true),
  })
  .transform((input, ctx) => {
    const address = senderAddress(input.channel, input.address);
    if ("error" in address) ctx.addIssue({ code: "custom", path: ["address"], message: address.error });
    if (input.phone_number_id !== undefined && input.channel !== "whatsapp") {
      ctx.addIssue({ code: "custom", path: ["phone_number_id"], message: "is only for whatsapp senders" });
    }
    if (input.name !== undefined && input.channel !== "email") {
      ctx.addIssue({ code: "custom", path: ["name"], message: "is only for email senders" });
    }
    if (!("value" in address)) return z.NEVER;
    return {
      channel: input.channel,
      address: address.value,
      phoneNumberId: input.phone_number_id ?? null,
      name: input.name ?? null,
      isDefault: input.default,
    };
  });

export type CreateSenderInput = z.output<typeof createSenderSchema>;

/** The body of POST /v1/senders/:id/verify: the code sent to a number; nothing for an email domain. */
export const verifySenderSchema = z.strictObject({
  code: z
    .string()
    .regex(/^[0-9]{6}$/, "must be the 6-digit code sent to the number")
    .optional(),
});

/** A sender as stored: an address the account sends from on one channel. */
export interface Sender {
  id: string;
  accountId: string;
  channel: Channel;
  /** E.164 number or alphanumeric id (sms, whatsapp), or a lower-cased email address. */
  address: string;
  /** Meta's id of the WhatsApp business number that sends for `address`. */
  phoneNumberId: string | null;
  /** Email display name: the message's from is "name <address>". */
  name: string | null;
  /** Part of the channel's default pool, used when a message omits `from`. */
  isDefault: boolean;
  /** Whether messages may be sent from it (see sender-verification.ts). */
  status: SenderStatus;
  /** Email: the token its domain's TXT record must carry. */
  verificationToken: string | null;
  /** SMS/WhatsApp: SHA-256 of the one-time code sent to the number, its expiry and the checks made so far. */
  verificationCodeHash: string | null;
  verificationExpiresAt: number | null;
  verificationAttempts: number;
  createdAt: number;
}

function senderAddress(channel: Channel, address: string): { value: string } | { error: string } {
  if (channel !== "email") return normalizeSender(channel, address);
  // Mail providers treat addresses case-insensitively; storing them lower-cased
  // lets a message's `from` find its sender with one indexed lookup.
  return isEmail(address) ? { value: address.toLowerCase() } : { error: 'must be an email address; give the display name in "name"' };
}

/** Why a sender cannot be added in this mode, or null. */
export function senderModeProblem(input: CreateSenderInput, mode: Mode): { param: string; message: string } | null {
  // Test-mode messages never reach Meta, so sandbox senders need no id.
  if (mode === "live" && input.channel === "whatsapp" && input.phoneNumberId === null) {
    return { param: "phone_number_id", message: "A live whatsapp sender needs the phone_number_id of its number, from Meta's WhatsApp Manager." };
  }
  return null;
}

/** The sender's `address` that a message's (normalized) `from` refers to. */
export function senderKey(channel: Channel, from: string): string {
  if (channel !== "email") return from;
  const named = /<([^<>]+)>$/.exec(from);
  return (named ? named[1]! : from).toLowerCase();
}

/** What a message sent by this sender shows as its `from`. */
export function senderFrom(sender: Sender): string {
  return sender.name ? `${sender.name} <${sender.address}>` : sender.address;
}

/**
 * The pool's sender for this recipient, by rendezvous hashing: each sender
 * scores hash(recipient, sender id) and the highest wins. The same recipient
 * keeps its sender, recipients spread evenly, and adding or removing a sender
 * only moves the recipients that gain or lose it (a hash modulo the pool size
 * would reshuffle nearly everyone).
 */
export function pickSender(pool: readonly Sender[], recipient: string): Sender | undefined {
  let best: Sender | undefined;
  let bestScore = -1;
  for (const sender of pool) {
    const score = hash32(`${recipient}\u0000${sender.id}`);
    if (score > bestScore || (score === bestScore && sender.id < best!.id)) {
      best = sender;
      bestScore = score;
    }
  }
  return best;
}

/** FNV-1a with murmur3's finalizer: fast, stable across runtimes, well mixed. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The sender object exactly as the API returns it. */
export function toSenderObject(row: Sender) {
  return {
    id: row.id,
    object: "sender" as const,
    channel: row.channel,
    address: row.address,
    phone_number_id: row.phoneNumberId,
    name: row.name,
    default: row.isDefault,
    status: row.status,
    verification: row.status === "pending_verification" ? verificationInstructions(row) : null,
    created_at: row.createdAt,
  };
}

/** What the account does next to prove a pending sender. */
function verificationInstructions(row: Sender) {
  const method = verificationMethod(row.channel, row.address);
  if (method === "dns_txt" && row.verificationToken !== null) {
    return {
      method,
      record_type: "TXT" as const,
      record_name: txtRecordName(row.address),
      record_value: txtRecordValue(row.verificationToken),
      attempts_remaining: null,
      expires_at: null,
    };
  }
  if (method === "code" && row.verificationCodeHash !== null) {
    const attemptsRemaining = Math.max(0, MAX_CODE_ATTEMPTS - row.verificationAttempts);
    return { method, record_type: null, record_name: null, record_value: null, attempts_remaining: attemptsRemaining, expires_at: row.verificationExpiresAt };
  }
  // An alphanumeric id, or a number no code was sent to (a sender from before verification existed).
  return { method: "operator" as const, record_type: null, record_name: null, record_value: null, attempts_remaining: null, expires_at: null };
}
