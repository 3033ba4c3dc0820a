// The one interface every provider adapter implements.
import type { RenderedContent } from "../domain/rendered.ts";
import type { Status } from "../domain/status.ts";

/** A file sent with an email, its bytes base64-encoded (read from R2 at hand-off). */
export interface AttachedFile {
  filename: string;
  contentType: string;
  content: string;
  /** Inline: the html references it as cid:<contentId>. */
  contentId?: string;
}

export interface SendRequest {
  messageId: string;
  /** What makes a repeated hand-off of this step idempotent at the provider (Resend's Idempotency-Key); the message id when omitted. */
  idempotencyKey?: string;
  to: string;
  from: string;
  /** The provider's own id for the sender, where it has one (WhatsApp: the phone-number id). */
  fromId?: string;
  content: RenderedContent;
  /** An email's attachments with their bytes. */
  files?: AttachedFile[];
  /** An MMS's or WhatsApp medium's files as signed URLs the provider fetches (GET /v1/media/:token), in order. */
  mediaUrls?: string[];
  /** 1 on the first hand-off attempt. */
  attempt: number;
  /** Seconds left of the message's validity_period, for providers that can drop a message they could not send in time. */
  validitySeconds?: number;
}

/** A delivery report the sandbox promises to make, as a real provider's webhook would. */
export interface ScheduledReport {
  afterMs: number;
  status: Status;
  errorCode?: string;
  errorMessage?: string;
}

export type SendResult =
  | { ok: true; providerMessageId: string; reports?: ScheduledReport[] }
  | { ok: false; retryable: boolean; code: string; message: string; retryAfterSeconds?: number; httpStatus?: number };

export interface Provider {
  readonly name: "twilio" | "whatsapp" | "resend" | "sandbox";
  send(request: SendRequest): Promise<SendResult>;
}

/** A provider's report about one of our messages, once its signature has been verified. */
export interface Receipt {
  provider: Provider["name"];
  messageId: string | null;
  providerMessageId: string;
  /** null for reports that are logged but change no status (e.g. email.delivery_delayed). */
  status: Status | null;
  errorCode?: string;
  errorMessage?: string;
  detail: string;
}

/** An incoming message as a provider's webhook reports it (Twilio's incoming-message webhook, WhatsApp `messages`). */
export interface InboundReport {
  provider: "twilio" | "whatsapp";
  /** Our number that received it (E.164 as the provider writes it), and for WhatsApp Meta's id of that number. */
  to: string;
  phoneNumberId?: string;
  /** The sender, E.164. */
  from: string;
  text: string;
  providerMessageId: string;
}

/** A webhook request from a provider, as it arrived: its full URL, its headers and its raw body. */
interface WebhookRequest {
  url: string;
  headers: Headers;
  body: string;
}

/** What a webhook request reports once its signature is verified, or why nothing in it can be believed. */
type WebhookReading = { ok: true; receipts: Receipt[]; inbound: InboundReport[] } | { ok: false; problem: "invalid_signature" | "invalid_json" };

/**
 * A provider's side of its webhooks: it verifies a request's signature (each
 * provider signs its own way) and reads the delivery receipts and inbound
 * messages in it. Built from the webhook secrets alone, which a deployment
 * configures apart from the send credentials; without its secret every
 * request is an invalid signature.
 */
export interface ProviderWebhooks {
  /** The provider's name as errors show it ("The Twilio webhook signature is missing or wrong."). */
  readonly displayName: string;
  read(request: WebhookRequest): Promise<WebhookReading>;
}
