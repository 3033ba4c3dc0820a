// Inbound messages: replies that reach an account's numbers, stored as
// messages with direction "inbound" and status "received".

import { z } from "zod";
import type { Account } from "./account.ts";
import { type Channel, normalizeRecipient } from "./address.ts";
import { LIMITS, type Message } from "./message.ts";
import { UNPRICED } from "./price-message.ts";

/** The body of POST /v1/test_helpers/inbound_messages: a reply, as a provider would report it. */
export const simulateInboundSchema = z
  .strictObject({
    channel: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(["sms", "whatsapp"], { error: "must be SMS or WHATSAPP: replies arrive on these channels" }))
      .meta({ description: "SMS or WHATSAPP (any case)", enum: ["SMS", "WHATSAPP", "sms", "whatsapp"] }),
    from: z.string().min(1).max(32).meta({ description: "Who replies: an E.164 phone number" }),
    to: z.string().min(1).max(32).meta({ description: "Which of your SMS or WhatsApp senders (its address) receives it" }),
    text: z.string().min(1).max(LIMITS.whatsappText).meta({ description: "The reply's text, e.g. STOP" }),
  })
  .transform((input, ctx) => {
    const from = normalizeRecipient(input.channel, input.from);
    if ("error" in from) ctx.addIssue({ code: "custom", path: ["from"], message: from.error });
    const to = normalizeRecipient(input.channel, input.to);
    if ("error" in to) ctx.addIssue({ code: "custom", path: ["to"], message: to.error });
    if (input.channel === "sms" && input.text.length > LIMITS.smsText) {
      ctx.addIssue({ code: "custom", path: ["text"], message: `must be at most ${LIMITS.smsText} characters for sms` });
    }
    if (!("value" in from) || !("value" in to)) return z.NEVER;
    return { channel: input.channel as Channel, from: from.value, to: to.value, text: input.text };
  });

export type SimulateInboundInput = z.output<typeof simulateInboundSchema>;

export interface InboundInput {
  channel: Channel;
  /** The sender, E.164 where the provider's number is valid. */
  from: string;
  /** The account's number that received it. */
  to: string;
  text: string;
}

/** A provider's number, in the form the create normalizes `to` to when it is a valid one; as given otherwise (a short code). */
export function inboundNumber(channel: Channel, number: string): string {
  const normalized = normalizeRecipient(channel, number);
  return "value" in normalized ? normalized.value : number;
}

/** The row an inbound message is stored as: received, its message.received callback going to the account's inbound_callback. */
export function inboundMessage(account: Account, id: string, createdAt: number, input: InboundInput): Message {
  return {
    id,
    accountId: account.id,
    mode: account.mode,
    direction: "inbound",
    channel: input.channel,
    to: input.to,
    from: input.from,
    content: { text: input.text },
    // An inbound message costs the account nothing it is billed for here.
    country: null,
    apiKeyId: null,
    ...UNPRICED,
    stepPrices: null,
    // Nothing is sent for it.
    rendered: null,
    // Segments are what an outbound SMS is billed by; a reply is not.
    encoding: null,
    segments: null,
    status: "received",
    statusCallback: account.inboundCallback,
    errorCode: null,
    errorMessage: null,
    createdAt,
    deliveredAt: null,
    providerLatencyMs: null,
    updatedAt: createdAt,
    // A reply is not delivered by OmniFlow: no delivery controls.
    fallback: null,
    fallbackAfter: null,
    sendAt: null,
    expiresAt: null,
    attempts: null,
    deliveredChannel: null,
    // A reply's text is kept as any message's (POST /v1/messages/:id/redact removes it on demand).
    contentRetention: "retain",
    redactedAt: null,
    // A reply carries none of the customer's keys and belongs to no batch.
    metadata: null,
    batchId: null,
  };
}
