// A message's delivery state as its Durable Object keeps it (message-store.ts
// stores it as JSON in the object's one row): the D1 row as delivery began and
// what has changed since, each step's attempt, and the row check due. Made
// from the row on the object's first read (initialState); a state stored
// before delivery controls is given their fields as it is read (withControls).
import type { Account } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { Attempt } from "../domain/delivery-controls.ts";
import type { Message } from "../domain/message.ts";
import type { Status } from "../domain/status.ts";
import type { EndpointSubscription } from "../domain/webhook-endpoint.ts";
import type { Receipt, ScheduledReport } from "../providers/provider.ts";

/** An account's webhook signing secrets, as the outbox holds them in memory (never in storage). */
export type SigningSecrets = Pick<Account, "webhookSecret" | "previousWebhookSecret" | "previousWebhookSecretExpiresAt"> & {
  /** ms: when they were read from D1. */
  readAt: number;
};

export interface DeliveryState {
  /** The D1 row as it was when delivery began; the fields below are what has changed since. */
  message: Message;
  status: Status;
  handoffAttempts: number;
  /** ms; set while a hand-off is in flight (a lease: a stale one means the caller died). */
  handoffStartedAt: number | null;
  /** ms; after a retryable failure, no new hand-off before this (whichever queue job asks). */
  retryNotBefore: number | null;
  /** ms; when the accepted hand-off began, the start of provider_latency_ms. */
  handedOffAt: number | null;
  provider: string | null;
  providerMessageId: string | null;
  /** The provider's own id of the sender (Meta's phone-number id), from the message's row. */
  fromId: string | null;
  deliveredAt: number | null;
  providerLatencyMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** The sandbox's delivery reports still to come, each due at `dueAt` (ms), about the hand-off of step `step`. */
  reports: (ScheduledReport & { dueAt: number; step?: number })[];
  /** Provider reports that came while a hand-off's call was open, applied once its answer is recorded (absent in older states). */
  heldReports?: Receipt[];
  /** Set when the callback URL answered 410 Gone or can no longer be used: no more webhooks for this message. */
  callbackGone: boolean;
  /** The step being tried: 0 is the message itself, then each fallback step (src/domain/failover.ts). */
  step: number;
  /** One per step started, with its hand-off: a late report of an earlier step finds its attempt by the provider's id. */
  attempts: AttemptRecord[];
  deliveredChannel: Channel | null;
  /**
   * The check of the D1 row (row-check.ts), set with each change's own state write: at `at` (ms) the row must
   * show projection_seq `seq` or newer (a seq taken before the change's send); `tries` counts failed checks.
   * Absent or null: nothing to check.
   */
  rowCheck?: RowCheck | null;
  /** The account's enabled webhook endpoints when the message's object first loaded it (absent: none); one answering 410 is removed. */
  endpoints?: EndpointSubscription[];
}

interface RowCheck {
  seq: number;
  at: number;
  tries?: number;
}

export type AttemptRecord = Attempt & { provider: string | null; provider_message_id: string | null; handed_off_at: number | null };

/** The attempts as the message object shows them. */
export function publicAttempts(records: AttemptRecord[]): Attempt[] {
  return records.map(({ provider: _, provider_message_id: __, handed_off_at: ___, ...attempt }) => attempt);
}

/** A message's state when its object first reads it from D1 (stored with its first change). */
export function initialState(message: Message, fromId: string | null, endpoints: EndpointSubscription[] = []): DeliveryState {
  return {
    ...(endpoints.length > 0 ? { endpoints } : {}),
    message,
    status: message.status,
    handoffAttempts: 0,
    handoffStartedAt: null,
    retryNotBefore: null,
    handedOffAt: null,
    provider: null,
    providerMessageId: null,
    fromId,
    deliveredAt: message.deliveredAt,
    providerLatencyMs: message.providerLatencyMs,
    errorCode: message.errorCode,
    errorMessage: message.errorMessage,
    reports: [],
    callbackGone: false,
    step: 0,
    attempts: [],
    deliveredChannel: message.deliveredChannel,
  };
}

/** A state stored before delivery controls, given their fields: a hand-off on record is step 0's attempt. */
export function withControls(state: DeliveryState): DeliveryState {
  if (state.attempts) return state;
  const { message, status, provider, providerMessageId, handedOffAt } = state;
  const attempt = {
    channel: message.channel,
    to: message.to,
    from: message.from,
    status,
    error: null,
    provider_latency_ms: null,
    created_at: message.createdAt,
  };
  const attempts = providerMessageId === null ? [] : [{ ...attempt, provider, provider_message_id: providerMessageId, handed_off_at: handedOffAt }];
  return { ...state, step: 0, attempts, deliveredChannel: null };
}
