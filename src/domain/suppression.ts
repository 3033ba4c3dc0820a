// Suppressions: recipients an account must not message any more, because they
// replied STOP (opt_out), their address hard-bounced (hard_bounce), they
// reported the email as spam (complaint), or the account said so (manual).
// One per account, channel and address; a create to one is refused.
import { z } from "zod";
import { type Channel, normalizeRecipient } from "./address.ts";
import { channelSchema } from "./message.ts";

export const SUPPRESSION_REASONS = ["opt_out", "hard_bounce", "complaint", "manual"] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** A suppression as stored. */
export interface Suppression {
  id: string;
  accountId: string;
  channel: Channel;
  /** As suppressionAddress normalizes it: E.164, or a lower-cased email address. */
  address: string;
  reason: SuppressionReason;
  /** The message that caused it (the STOP reply, the bounced email), or null for a manual one. */
  sourceMessageId: string | null;
  createdAt: number;
}

/**
 * The form a recipient is suppressed under: the create's own normalization of
 * `to` (so "+1 415 555 0123" and "+14155550123" are one recipient), and email
 * addresses lower-cased, as mail providers compare them.
 */
function suppressionAddress(channel: Channel, address: string): { value: string } | { error: string } {
  const normalized = normalizeRecipient(channel, address);
  if ("error" in normalized) return normalized;
  return { value: channel === "email" ? normalized.value.toLowerCase() : normalized.value };
}

/** The key of an already normalized recipient (a message's `to`), for lookups. */
export function suppressionKey(channel: Channel, to: string): string {
  return channel === "email" ? to.toLowerCase() : to;
}

/** A message's (or a fallback step's) recipient as the suppression list looks it up. */
export function suppressionRecipient({ channel, to }: { channel: Channel; to: string }): { channel: Channel; address: string } {
  return { channel, address: suppressionKey(channel, to) };
}

/** The body of POST /v1/suppressions, normalized. */
export const createSuppressionSchema = z
  .strictObject({
    channel: channelSchema,
    address: z.string().min(1).max(320).meta({ description: "The recipient: an E.164 phone number (sms, whatsapp) or an email address" }),
    reason: z.enum(SUPPRESSION_REASONS).default("manual").meta({ description: "Why it is suppressed; manual unless given" }),
  })
  .transform((input, ctx) => {
    const address = suppressionAddress(input.channel, input.address);
    if ("error" in address) {
      ctx.addIssue({ code: "custom", path: ["address"], message: address.error });
      return z.NEVER;
    }
    return { channel: input.channel, address: address.value, reason: input.reason };
  });

export type CreateSuppressionInput = z.output<typeof createSuppressionSchema>;

// Carriers' and Twilio's standard opt-out and opt-in keywords (CTIA).
const STOP_WORDS = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]);
const START_WORDS = new Set(["START", "UNSTOP", "YES"]);

/** What an inbound text asks for: the whole message, trimmed, in any case, must be the keyword. */
export function consentKeyword(text: string): "stop" | "start" | null {
  const word = text.trim().toUpperCase();
  if (STOP_WORDS.has(word)) return "stop";
  if (START_WORDS.has(word)) return "start";
  return null;
}

/** The suppression a failed delivery or a provider's report implies, if any. */
export function suppressionReasonFor(errorCode: string | undefined, detail?: string): SuppressionReason | null {
  if (errorCode === "email_bounced") return "hard_bounce";
  if (errorCode === "recipient_suppressed") return "opt_out";
  if (detail === "email.complained") return "complaint";
  return null;
}

/** The suppression object exactly as the API returns it. */
export function toSuppressionObject(row: Suppression) {
  return {
    id: row.id,
    object: "suppression" as const,
    channel: row.channel,
    address: row.address,
    reason: row.reason,
    source_message_id: row.sourceMessageId,
    created_at: row.createdAt,
  };
}
