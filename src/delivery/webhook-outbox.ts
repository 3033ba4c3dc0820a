// A message's status_callback outbox. Every status change with a callback
// becomes a signed event, stored with the change in the event log; events are
// sent one at a time, oldest first. The first attempt at an event runs inline
// with the change that caused it (when nothing older is pending), so a message
// needs no alarm for a callback that is answered; retries follow the schedule
// in webhooks.ts on the object's "webhook" timer. The account's signing
// secrets are read from the control database when an attempt needs them and
// the ones held are older than a second (a roll shows in the next callback);
// they stay in memory, never in the object's storage. The same event goes to
// the account's webhook endpoints subscribed to its type: endpoint-outbox.ts.

import type { Database } from "../db/client.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { subscribes } from "../domain/event-types.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import type { MessageObject } from "../domain/message.ts";
import type { DeliveryState, SigningSecrets } from "./delivery-state.ts";
import { EndpointOutbox } from "./endpoint-outbox.ts";
import type { JsonObject, NewEvent, WebhookEvent } from "./message-log.ts";
import type { MessageStore } from "./message-store.ts";
import { readSigningSecrets } from "./signing-secrets.ts";
import { attemptWebhook, retryDelaySeconds, signedHeaders, signingSecrets } from "./webhooks.ts";

/** Held signing secrets older than this are read again before they sign. */
const SECRETS_REREAD_MS = 1_000;

export class WebhookOutbox {
  private signing: SigningSecrets | null = null;
  /**
   * An attempt is waiting for its receiver's answer. Kept in memory on purpose: it dies with the object exactly
   * when the attempt does, so while it is set the pending event is being sent, not lost.
   */
  private sending = false;
  /** The same events to the account's webhook endpoints. */
  readonly endpoints: EndpointOutbox;

  constructor(
    private readonly store: MessageStore,
    private readonly env: Env,
    private readonly controlDb: Database,
    /** Sets the object's alarm for what is due (an endpoint's send that ended after its change returned). */
    rearm: () => Promise<void> = async () => {},
  ) {
    this.endpoints = new EndpointOutbox(store, env, controlDb, {
      describe: () => {
        const { message } = store.state()!;
        return { accountId: message.accountId, messageId: message.id, mode: message.mode };
      },
      gone: (endpointId) => {
        const state = store.state()!;
        store.saveState({ ...state, endpoints: (state.endpoints ?? []).filter((endpoint) => endpoint.id !== endpointId) });
      },
      rearm,
    });
  }

  /**
   * The signed event for this status change, to store with it; null when the
   * message has no callback and no endpoint takes its type. `attempt` names
   * the step the change is about.
   */
  event(state: DeliveryState, message: MessageObject, now: number, type: string, attempt: JsonObject | null): WebhookEvent | null {
    const callback = Boolean(state.message.statusCallback) && !state.callbackGone;
    const endpoints = (state.endpoints ?? []).filter((endpoint) => subscribes(endpoint.events, type)).map((endpoint) => endpoint.id);
    if (!callback && endpoints.length === 0) return null;
    const eventId = newId("evt");
    const body = JSON.stringify({ id: eventId, object: "event", type, created_at: unixSeconds(now), attempt, data: message });
    return { eventId, type, body, ...(callback ? {} : { callback: false as const }), ...(endpoints.length > 0 ? { endpoints } : {}) };
  }

  /**
   * Puts every event whose last attempt was abandoned back in the outbox, to
   * be sent again in order on a fresh retry schedule: a new row of the log
   * carries the same signed event (same webhook-id, so a receiver that
   * dedupes on it stays correct), and only attempts after it count for it.
   * How many were put back (0: none was abandoned).
   */
  retryAbandoned(source: string, now: number): number {
    const state = this.store.state();
    if (!state?.message.statusCallback || state.callbackGone) return 0;
    const lastOutcome = new Map<string, unknown>();
    for (const event of this.store.events()) {
      if (event.type === "webhook.attempt" && event.data.endpoint_id === undefined) lastOutcome.set(String(event.data.event_id), event.data.outcome);
    }
    const abandoned = [...lastOutcome].filter(([, outcome]) => outcome === "abandoned").map(([eventId]) => String(eventId));
    const resent: NewEvent[] = abandoned.map((eventId, i) => ({
      type: i === 0 ? "webhook.retry_requested" : "webhook.requeued",
      data: (i === 0 ? { source, events: abandoned.length } : { source, event_id: eventId }) as JsonObject,
      at: now,
      webhook: callbackOnly(this.store.webhookEvent(eventId)),
    }));
    this.store.addEvents(resent);
    if (resent.length > 0 && !this.store.hasTimer("webhook")) this.store.addTimer("webhook", now);
    return resent.length;
  }

  /**
   * After a change: its event's first attempt, now, unless an older event is
   * still pending (it goes first). `signing`: secrets the caller has just read
   * (an inbound message's), held as if the outbox had read them.
   */
  async sendAfterChange(event: WebhookEvent | null, signing?: SigningSecrets | null): Promise<void> {
    if (signing) this.signing = signing;
    if (!event) return;
    // The endpoints' first attempts are not waited for: a slow endpoint holds up neither the callback nor the
    // caller of the change (a queue consumer, a provider's report).
    this.endpoints.startAfterChange(event);
    await this.callbackAfterChange(event);
  }

  private async callbackAfterChange(event: WebhookEvent): Promise<void> {
    if (event.callback === false || this.store.hasTimer("webhook")) return;
    const pending = this.store.pendingWebhook();
    if (pending?.eventId === event.eventId) await this.attempt(pending);
  }

  /** One attempt at the oldest pending event (a retry, from the object's timer). */
  async sendNext(): Promise<void> {
    const pending = this.store.pendingWebhook();
    if (pending) await this.attempt(pending);
  }

  /** The account's signing secrets: the held ones while fresh, else read again (they may have been rolled); null without an account. */
  private async secrets(accountId: string, messageId: string): Promise<SigningSecrets | null> {
    if (this.signing && Date.now() - this.signing.readAt < SECRETS_REREAD_MS) return this.signing;
    this.signing = await readSigningSecrets(this.env, this.controlDb, accountId, messageId);
    return this.signing;
  }

  /**
   * The callback is switched off: the events still queued will never be sent, so each ends with `outcome`,
   * unattempted, and none stays pending (a pending event keeps the object's alarm ringing for it).
   */
  private endQueued(outcome: string, why: string): void {
    const error = `not sent: ${why}`;
    for (let next = this.store.pendingWebhook(); next; next = this.store.pendingWebhook()) {
      const unsent = { event_id: next.eventId, event_type: next.type, attempt: next.attempts, outcome, error };
      this.store.addEvents([{ type: "webhook.attempt", data: unsent, at: Date.now() }]);
    }
  }

  /** Whether an attempt of this instance is waiting for its answer (the pending event is not lost, only slow). */
  get attemptInFlight(): boolean {
    return this.sending;
  }

  /** One attempt at `event`, unless one is already waiting for its answer (events go one at a time, in order). */
  private async attempt(event: WebhookEvent & { attempts: number }): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      await this.attemptNow(event);
    } finally {
      this.sending = false;
    }
  }

  /** One attempt at `event`; schedules what comes next. */
  private async attemptNow(event: WebhookEvent & { attempts: number }): Promise<void> {
    const state = this.store.state()!;
    const url = state.message.statusCallback;
    if (!url) return;
    const logged = { event_id: event.eventId, event_type: event.type, attempt: event.attempts + 1 };
    const record = (data: NewEvent["data"]) => this.store.addEvents([{ type: "webhook.attempt", data: { ...logged, ...data }, at: Date.now() }]);
    const stop = (data: NewEvent["data"]) => {
      this.store.saveState({ ...this.store.state()!, callbackGone: true });
      record(data);
      this.endQueued(String(data.outcome), String(data.error));
    };
    // Switched off before its queued events were ended with it (an object stored before they were): ended now.
    if (state.callbackGone) return this.endQueued("disabled", "the callback was switched off");

    // Checked again at delivery: the rules may have tightened since the message was created.
    const problem = callbackUrlProblem(url, state.message.mode);
    if (problem) return stop({ outcome: "abandoned", error: `status_callback refused: ${problem}` });
    const signing = await this.secrets(state.message.accountId, state.message.id);
    if (!signing) return stop({ outcome: "abandoned", error: "the account no longer exists" });

    const started = Date.now();
    const result = await attemptWebhook(url, signedHeaders(signingSecrets(signing), event.eventId, event.body), event.body);
    const timing = { http_status: result.httpStatus, duration_ms: Date.now() - started };
    if (result.outcome === "delivered") {
      record({ ...timing, outcome: "delivered" });
    } else if (result.outcome === "gone") {
      // 410: the receiver is gone for good; stop every callback of this message.
      return stop({ ...timing, outcome: "disabled", error: "410 Gone: no further webhooks to this URL" });
    } else {
      const delay = retryDelaySeconds(logged.attempt, result.retryAfterSeconds);
      if (delay !== null) {
        const next = Date.now() + delay * 1000;
        this.store.addTimer("webhook", next);
        return record({ ...timing, outcome: "retry_scheduled", error: result.error, next_retry_at: unixSeconds(next) });
      }
      record({ ...timing, outcome: "abandoned", error: result.error });
    }
    // The next event waited for this one; it goes out on the next alarm.
    if (this.store.pendingWebhook()) this.store.addTimer("webhook", Date.now());
  }
}

/** A logged event resent to the status_callback alone (the endpoints have their own retries). */
function callbackOnly(event: WebhookEvent | null): WebhookEvent | null {
  return event && { eventId: event.eventId, type: event.type, body: event.body };
}
