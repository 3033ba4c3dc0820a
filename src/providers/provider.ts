// The one interface every provider adapter implements.
import type { RenderedContent } from "../domain/rendered.ts";
import type { Status } from "../domain/status.ts";

export interface SendRequest {
  messageId: string;
  /** What makes a repeated hand-off of this step idempotent at the provider (Resend's Idempotency-Key); the message id when omitted. */
  idempotencyKey?: string;
  to: string;
  from: string;
  /** The provider's own id for the sender, where it has one (WhatsApp: the phone-number id). */
  fromId?: string;
  content: RenderedContent;
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
