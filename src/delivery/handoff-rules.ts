// The message object's timing rules and what its methods answer: how often a
// hand-off is tried, how long one may run, how early a retry may come, and
// how long the object waits for a row or a job that may still be on its way.
/** Hand-off attempts before a message fails as provider_unavailable (the queue allows one more, for crashes). */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** A hand-off in flight for longer than this is taken to have died with its caller. */
export const HANDOFF_LEASE_MS = 30_000;
/** A retry arriving this early is close enough to its time (queue delays are not exact). */
export const RETRY_TOLERANCE_MS = 1_000;
/** A job whose message is not (yet) in D1 is tried this many times, this far apart, before it is dropped. */
export const MISSING_ROW_ATTEMPTS = 3;
export const MISSING_ROW_RETRY_SECONDS = 2;
/** An inline webhook attempt that dies with the object is picked up by the alarm after this. */
export const INLINE_SAFETY_MS = 30_000;
/** How long a redrive leaves a job that was sent after all to get here first (queue pickup takes well under a second). */
export const REDRIVE_DELAY_MS = 2_000;

export type DeliveryOutcome = { action: "ack"; reason: string } | { action: "retry"; delaySeconds: number };
/** "held": it came while the hand-off it may be about was still being made (provider-reports.ts). */
export type ReceiptOutcome = "applied" | "ignored" | "noted" | "held" | "unknown";

export interface Change {
  source: string;
  errorCode?: string;
  errorMessage?: string;
  detail?: string;
}
