// A hand-off's answer, as the message's Durable Object records it once its
// provider call returns (message-status.ts): accepted (the step is `sent`,
// the sandbox's reports scheduled), refused for now (a retry with backoff,
// the queue's), or refused for good / out of retries (the step `failed`).
import { backoffSeconds } from "../domain/backoff.ts";
import type { Provider, SendResult } from "../providers/provider.ts";
import { type DeliveryOutcome, MAX_DELIVERY_ATTEMPTS } from "./handoff-rules.ts";
import type { NewEvent } from "./message-log.ts";
import type { MessageStore } from "./message-store.ts";
import type { StatusChanges } from "./status-change.ts";

/** What the provider call answered, for step `step`, the call made at `startedAt` (ms). */
interface Answer {
  step: number;
  provider: Provider["name"];
  result: SendResult;
  startedAt: number;
}

/** A hand-off's answer, recorded on the state as it is now (the call let other requests in). */
export async function recordAnswer(store: MessageStore, changes: StatusChanges, answer: Answer): Promise<DeliveryOutcome> {
  const { step, provider: providerName, result, startedAt: now } = answer;
  const current = store.state()!;
  current.handoffStartedAt = null;
  current.provider = providerName;
  const attempt = { provider: providerName, attempt: current.handoffAttempts, duration_ms: Date.now() - now, ...(step > 0 ? { step } : {}) };
  if (result.ok) {
    current.handedOffAt = now;
    current.providerMessageId = result.providerMessageId;
    Object.assign(current.attempts[step]!, { provider: providerName, provider_message_id: result.providerMessageId, handed_off_at: now });
    current.reports = (result.reports ?? []).map((report) => ({ ...report, dueAt: now + report.afterMs, step }));
    const accepted = { ...attempt, outcome: "accepted", provider_message_id: result.providerMessageId };
    await changes.step(current, step, "sent", { source: providerName }, [{ type: "provider.attempt", data: accepted, at: Date.now() }]);
    return { action: "ack", reason: "handed_off" };
  }

  const refused: NewEvent = {
    type: "provider.attempt",
    data: {
      ...attempt,
      outcome: result.retryable ? "retryable_error" : "permanent_error",
      http_status: result.httpStatus ?? null,
      code: result.code,
      message: result.message,
    },
    at: Date.now(),
  };
  if (result.retryable && current.handoffAttempts < MAX_DELIVERY_ATTEMPTS) {
    const delaySeconds = backoffSeconds(current.handoffAttempts, result.retryAfterSeconds);
    store.commit({ ...current, retryNotBefore: Date.now() + delaySeconds * 1000 }, [refused]);
    // Its validity may end before the retry comes.
    if (current.message.expiresAt !== null) await changes.armAlarm();
    return { action: "retry", delaySeconds };
  }
  const exhausted = result.retryable;
  await changes.step(
    current,
    step,
    "failed",
    {
      source: providerName,
      errorCode: exhausted ? "provider_unavailable" : result.code,
      errorMessage: exhausted ? `The provider was unavailable for ${current.handoffAttempts} attempts; last error: ${result.message}` : result.message,
    },
    [refused],
  );
  return { action: "ack", reason: "failed" };
}
