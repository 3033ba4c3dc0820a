// A message's status_callback outbox, kept in its Durable Object's storage:
// every status change adds a signed event, and events are sent one at a time,
// oldest first, each retried on the schedule in webhooks.ts until delivered
// or abandoned. The object's alarm drives it through the "webhook" timer.
import { findAccount } from "../db/accounts.ts";
import { database } from "../db/client.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import type { MessageObject } from "../domain/message.ts";
import type { DeliveryState, MessageStore } from "./message-store.ts";
import { attemptWebhook, retryDelaySeconds, signedHeaders, signingSecrets } from "./webhooks.ts";

export class WebhookOutbox {
  constructor(
    private readonly store: MessageStore,
    private readonly env: Env,
  ) {}

  /** Adds the status change to the outbox; it is sent after every event before it. */
  add(state: DeliveryState, message: MessageObject, now: number): void {
    if (!state.message.statusCallback || state.callbackGone) return;
    const eventId = newId("evt");
    const type = `message.${state.status}`;
    const body = JSON.stringify({ id: eventId, object: "event", type, created_at: unixSeconds(now), data: message });
    this.store.addOutboxEvent(eventId, type, body);
    if (!this.store.hasTimer("webhook")) this.store.addTimer("webhook", now, {});
  }

  /**
   * Puts every event whose last attempt was abandoned back in the outbox, to
   * be sent again in order on a fresh retry schedule; the event ids they carry
   * stay the same, so a receiver that dedupes on webhook-id stays correct.
   * How many were put back (0: none was abandoned).
   */
  retryAbandoned(source: string, now: number): number {
    const state = this.store.state();
    if (!state?.message.statusCallback || state.callbackGone) return 0;
    const lastOutcome = new Map<string, unknown>();
    for (const event of this.store.events()) {
      if (event.type === "webhook.attempt") lastOutcome.set(String(event.data.event_id), event.data.outcome);
    }
    const abandoned = [...lastOutcome].filter(([, outcome]) => outcome === "abandoned").map(([eventId]) => eventId);
    for (const eventId of abandoned) this.store.reopenOutbox(eventId);
    if (abandoned.length > 0) {
      this.store.addEvent("webhook.retry_requested", { source, events: abandoned.length }, now);
      if (!this.store.hasTimer("webhook")) this.store.addTimer("webhook", now, {});
    }
    return abandoned.length;
  }

  /** One attempt at the oldest pending event; schedules what comes next. */
  async sendNext(): Promise<void> {
    const state = this.store.state()!;
    const event = this.store.outboxHead();
    const url = state.message.statusCallback;
    if (!event || !url) return;
    const attempt = event.attempts + 1;
    this.store.countOutboxAttempt(event.seq);
    const logged = { event_id: event.eventId, event_type: event.type, attempt };

    // Checked again at delivery: the rules may have tightened since the message was created.
    const problem = callbackUrlProblem(url, state.message.mode);
    if (problem) {
      this.store.finishOutbox(event.seq, true);
      this.store.addEvent("webhook.attempt", { ...logged, outcome: "abandoned", error: `status_callback refused: ${problem}` });
      return;
    }
    const account = await findAccount(database(this.env.DB), state.message.accountId);
    if (!account) {
      this.store.finishOutbox(event.seq, true);
      this.store.addEvent("webhook.attempt", { ...logged, outcome: "abandoned", error: "the account no longer exists" });
      return;
    }
    const started = Date.now();
    const result = await attemptWebhook(url, signedHeaders(signingSecrets(account), event.eventId, event.body), event.body);
    const timing = { ...logged, http_status: result.httpStatus, duration_ms: Date.now() - started };

    if (result.outcome === "delivered") {
      this.store.finishOutbox(event.seq);
      this.store.addEvent("webhook.attempt", { ...timing, outcome: "delivered" });
    } else if (result.outcome === "gone") {
      // 410: the receiver is gone for good; stop every callback of this message.
      this.store.finishOutbox(event.seq, true);
      this.store.saveState({ ...this.store.state()!, callbackGone: true });
      this.store.addEvent("webhook.attempt", { ...timing, outcome: "disabled", error: "410 Gone: no further webhooks to this URL" });
      return;
    } else {
      const delay = retryDelaySeconds(attempt, result.retryAfterSeconds);
      if (delay === null) {
        this.store.finishOutbox(event.seq);
        this.store.addEvent("webhook.attempt", { ...timing, outcome: "abandoned", error: result.error });
      } else {
        const next = Date.now() + delay * 1000;
        this.store.addTimer("webhook", next, {});
        this.store.addEvent("webhook.attempt", { ...timing, outcome: "retry_scheduled", error: result.error, next_retry_at: unixSeconds(next) });
        return;
      }
    }
    if (this.store.outboxHead()) this.store.addTimer("webhook", Date.now(), {});
  }
}
