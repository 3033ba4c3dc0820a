// The rules of a message's delivery controls, as pure functions the
// message's Durable Object applies: which step sends now, what a step's status
// change does to the message's overall status, when a waiting message has
// expired, and whether it can be canceled.
import type { Channel } from "./address.ts";
import type { Attempt } from "./delivery-controls.ts";
import type { Message } from "./message.ts";
import type { RenderedContent } from "./rendered.ts";
import { canTransition, isStepFailure, type Status } from "./status.ts";

/** Where step `step` goes: 0 is the message itself, then each fallback step. */
export interface StepTarget {
  channel: Channel;
  to: string;
  from: string;
  fromId: string | null;
  rendered: RenderedContent | null;
  /** Skipped: the recipient was suppressed when the message was created. */
  suppressed: boolean;
}

export function stepTarget(message: Message, step: number, messageFromId: string | null): StepTarget {
  const fallback = step === 0 ? undefined : message.fallback?.[step - 1];
  if (!fallback) return { channel: message.channel, to: message.to, from: message.from, fromId: messageFromId, rendered: message.rendered, suppressed: false };
  const { channel, to, from, fromId, rendered } = fallback;
  return { channel, to, from, fromId, rendered, suppressed: fallback.suppressed === true };
}

/**
 * The key that makes a step's hand-off idempotent at its provider: the
 * message id for the message itself (as before fallback existed), and one of
 * its own for each fallback step, so an email step after an email is not
 * taken by Resend for a repeat of the first.
 */
export function handOffKey(messageId: string, step: number): string {
  return step === 0 ? messageId : `${messageId}-${step}`;
}

/** The index of the message's last step. */
export function lastStep(message: Message): number {
  return message.fallback?.length ?? 0;
}

/** A new attempt at a step, as it starts. */
export function startedAttempt(target: StepTarget, now: number): Attempt {
  const { channel, to, from } = target;
  return { channel, to, from, status: "queued", error: null, provider_latency_ms: null, created_at: Math.floor(now / 1000) };
}

export interface StepOutcome {
  /** The message's new overall status; null when it stays as it is. */
  overall: Status | null;
  /** The next step starts. */
  failover: boolean;
}

/**
 * What step `step` reaching `status` does to the message. Delivered when any
 * step is; a failure of the current step starts the next one, and ends the
 * message only on the last step; an earlier step's late report never moves
 * the message backwards.
 */
export function stepOutcome(overall: Status, current: number, last: number, step: number, status: Status): StepOutcome {
  if (isStepFailure(status)) {
    if (step !== current) return { overall: null, failover: false };
    return step < last ? { overall: null, failover: true } : { overall: canTransition(overall, status) ? status : null, failover: false };
  }
  return { overall: canTransition(overall, status) ? status : null, failover: false };
}

/** The callback's event type: the overall status when it changed, else the attempt's (message.attempt.failed). */
export function webhookType(overall: Status | null, stepStatus: Status): string {
  return overall ? `message.${overall}` : `message.attempt.${stepStatus}`;
}

/** Whether the validity period (Unix seconds; null: none) is over at `now` (ms). */
export function isExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && now >= expiresAt * 1000;
}

/** What Twilio gets as ValidityPeriod: the seconds left, within its 1..36000. */
export function remainingValiditySeconds(expiresAt: number | null, now: number): number | undefined {
  if (expiresAt === null) return undefined;
  return Math.min(36_000, Math.max(1, Math.ceil((expiresAt * 1000 - now) / 1000)));
}

export type CancelDecision = "cancel" | "already_canceled" | "not_cancelable";

/** Only a scheduled message can be canceled; canceling it again answers it as it is. */
export function cancelDecision(status: Status): CancelDecision {
  if (status === "scheduled") return "cancel";
  return status === "canceled" ? "already_canceled" : "not_cancelable";
}

export const EXPIRED = {
  errorCode: "validity_period_expired",
  errorMessage: "The message was not handed off within its validity_period.",
} as const;
