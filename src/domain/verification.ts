// The verification resource (issue 25): a one-time code sent to one recipient
// over an ordered list of channels, checked against its hash. What a create
// may contain, the state its Durable Object keeps, and the object the API
// (and every verification.* event) shows. The code itself is never part of
// that object.
import { z } from "zod";
import { type Channel, isEmail, normalizeRecipient } from "./address.ts";
import { HEADER_SAFE, HEADER_SAFE_RULE } from "./header-safe.ts";
import { channelSchema, templateId } from "./message.ts";
import { type Metadata, metadataSchema, storedMetadata } from "./metadata.ts";
import type { Status } from "./status.ts";
import { LOCALES, type Locale } from "./verification-text.ts";
import { wholeNumber } from "./whole-number.ts";

export const VERIFICATION_LIMITS = {
  channels: 3,
  codeLength: { min: 4, max: 10, default: 6 },
  expiresIn: { min: 60, max: 3600, default: 600 },
  channelTimeout: { min: 15, max: 900 },
  checkAttempts: 5,
  /** Sends (the create's and each resend) per verification. */
  sends: 5,
  /** Seconds after a send before a resend is accepted. */
  resendAfter: 30,
} as const;

export const VERIFICATION_STATUSES = ["pending", "approved", "canceled", "expired", "max_attempts_reached"] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

const channelList = z
  .array(channelSchema)
  .min(1)
  .max(VERIFICATION_LIMITS.channels, `at most ${VERIFICATION_LIMITS.channels} channels`)
  .refine((channels) => new Set(channels).size === channels.length, "each channel at most once")
  .meta({ description: "The channels to try, in order (1-3): WHATSAPP, SMS, EMAIL. The next one gets the same code when one fails or times out." });

/** The body of POST /v1/verifications, normalized: channels lower-cased, each channel's address resolved. */
export const createVerificationSchema = z
  .strictObject({
    to: z.string().min(1).max(320).meta({ description: "The recipient: a phone number in E.164 format, or an email address." }),
    channels: channelList.optional(),
    channel: channelSchema.optional(),
    email_to: z.string().min(1).max(320).optional().meta({ description: "The email address of the EMAIL channel when `to` is a phone number." }),
    code_length: wholeNumber(VERIFICATION_LIMITS.codeLength.min, VERIFICATION_LIMITS.codeLength.max)
      .optional()
      .meta({ description: "Digits in the code (4-10, default 6)." }),
    expires_in: wholeNumber(VERIFICATION_LIMITS.expiresIn.min, VERIFICATION_LIMITS.expiresIn.max)
      .optional()
      .meta({ description: "Seconds the code is valid (60-3600, default 600); then the verification ends `expired`." }),
    channel_timeout: wholeNumber(VERIFICATION_LIMITS.channelTimeout.min, VERIFICATION_LIMITS.channelTimeout.max)
      .optional()
      .meta({ description: "Seconds (15-900) a channel's message may stay undelivered before the next channel is sent the code." }),
    locale: z
      .enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}` })
      .optional()
      .meta({ description: "The language of the built-in text (default en)." }),
    app_name: z
      .string()
      .min(1)
      .max(64)
      .regex(HEADER_SAFE, HEADER_SAFE_RULE)
      .optional()
      .meta({ description: 'Shown in the text: "Your {app_name} code is 123456".' }),
    template_id: templateId.optional().meta({ description: "One of your templates with a `code` variable, sent instead of the built-in text." }),
    status_callback: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .meta({ description: "A URL that receives the verification.* events (signed like status callbacks)." }),
    metadata: metadataSchema.optional(),
  })
  .transform((input, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (input.channels !== undefined && input.channel !== undefined) issue("channel", "give channel or channels, not both");
    const toIsEmail = isEmail(input.to);
    const channels: Channel[] = input.channels ?? (input.channel ? [input.channel] : [toIsEmail ? "email" : "sms"]);
    const addresses: string[] = [];
    for (const channel of channels) {
      const raw = channel === "email" ? (input.email_to ?? input.to) : input.to;
      const address = normalizeRecipient(channel, raw);
      if ("error" in address) issue(channel === "email" && input.email_to !== undefined ? "email_to" : "to", address.error);
      else addresses.push(address.value);
    }
    if (addresses.length !== channels.length) return z.NEVER;
    return {
      to: addresses[0]!,
      steps: channels.map((channel, i) => ({ channel, to: addresses[i]! })),
      codeLength: input.code_length ?? VERIFICATION_LIMITS.codeLength.default,
      expiresIn: input.expires_in ?? VERIFICATION_LIMITS.expiresIn.default,
      channelTimeout: input.channel_timeout ?? null,
      locale: input.locale ?? ("en" as Locale),
      appName: input.app_name ?? null,
      templateId: input.template_id ?? null,
      statusCallback: input.status_callback,
      metadata: storedMetadata(input.metadata),
    };
  });

export type CreateVerificationInput = z.output<typeof createVerificationSchema>;

/** One channel of the verification and the address it goes to. */
export interface VerificationStep {
  channel: Channel;
  to: string;
}

/** One send: a message carrying the code (its own fallback steps are the channels after `channel`). */
export interface VerificationSend {
  channel: Channel;
  messageId: string;
  /** Unix seconds. */
  at: number;
}

/** A verification as its Durable Object keeps it. */
export interface Verification {
  id: string;
  accountId: string;
  mode: "test" | "live";
  to: string;
  steps: VerificationStep[];
  codeLength: number;
  locale: Locale;
  appName: string | null;
  templateId: string | null;
  channelTimeout: number | null;
  statusCallback: string | null;
  /** The customer's own keys, on the verification and on each of its messages; null when none. */
  metadata: Metadata | null;
  status: VerificationStatus;
  checkAttemptsRemaining: number;
  sends: VerificationSend[];
  /** Unix seconds. */
  createdAt: number;
  expiresAt: number;
  updatedAt: number;
}

/** One attempt as the API shows it: a channel's try, the message that carried it, and that message's status there. */
export interface VerificationAttempt {
  channel: Channel;
  message_id: string;
  status: Status;
}

/** What the object shows of a verification: its D1 row holds exactly this. */
type Shown = Pick<
  Verification,
  | "id"
  | "to"
  | "status"
  | "steps"
  | "codeLength"
  | "locale"
  | "checkAttemptsRemaining"
  | "statusCallback"
  | "metadata"
  | "createdAt"
  | "expiresAt"
  | "updatedAt"
>;

/** The verification object exactly as the API returns it (never its code). */
export function toVerificationObject(verification: Shown, attempts: VerificationAttempt[]) {
  const last = attempts.at(-1);
  return {
    id: verification.id,
    object: "verification" as const,
    to: verification.to,
    status: verification.status,
    channel: last?.channel ?? verification.steps[0]!.channel,
    channels: verification.steps.map((step) => step.channel),
    attempts,
    code_length: verification.codeLength,
    locale: verification.locale,
    check_attempts_remaining: verification.checkAttemptsRemaining,
    status_callback: verification.statusCallback,
    metadata: verification.metadata ?? {},
    created_at: verification.createdAt,
    expires_at: verification.expiresAt,
    updated_at: verification.updatedAt,
  };
}

export type VerificationObject = ReturnType<typeof toVerificationObject>;

/** Whether a verification still accepts checks, resends and a cancel. */
export function isPending(verification: Pick<Verification, "status">): boolean {
  return verification.status === "pending";
}
