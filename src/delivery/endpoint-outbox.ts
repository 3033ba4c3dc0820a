// Events to the account's webhook endpoints (issue 27), a message's from its
// object and the account's own from its gate (src/gate/account-events.ts): the same
// outbox as the status_callback (the event log, webhook-outbox.ts), one queue
// per endpoint. An event's row names the endpoints subscribed to its type
// when it was stored; each endpoint gets its events one at a time, oldest
// first, with its own retry schedule (webhooks.ts) on its own "endpoint"
// timer, so a slow or dead endpoint holds up only itself. Every attempt is
// logged in the message's events (webhook.attempt with endpoint_id) and in the
// endpoint's delivery log in D1. The endpoint's URL and secrets are asked of
// the account's gate at each attempt (never stored here): a URL changed or a
// secret rolled applies to the next attempt, and a disabled or deleted
// endpoint ends its queue unsent.
import type { Database } from "../db/client.ts";
import { insertDelivery } from "../db/webhook-endpoints.ts";
import type { Mode } from "../domain/account.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import { type DeliveryOutcome, endpointWebhookId } from "../domain/webhook-endpoint.ts";
import type { EndpointTarget } from "../gate/endpoints.ts";
import { logger } from "../log.ts";
import { judgeEndpoint } from "./endpoint-health.ts";
import type { JsonObject, WebhookEvent } from "./message-log.ts";
import type { MessageStore } from "./message-store.ts";
import { attemptWebhook, retryDelaySeconds, signedHeaders } from "./webhooks.ts";

type Pending = WebhookEvent & { attempts: number };

export class EndpointOutbox {
  /** Endpoints with an attempt waiting for its answer (in memory: it dies with the object exactly when the attempt does). */
  private readonly sending = new Set<string>();

  constructor(
    private readonly store: MessageStore,
    private readonly env: Env,
    private readonly controlDb: Database,
    private readonly owner: OutboxOwner,
  ) {}

  /** Whether an attempt at this endpoint is waiting for its answer (its pending event is not lost, only slow). */
  inFlight(endpointId: string): boolean {
    return this.sending.has(endpointId);
  }

  /**
   * After a change: the first attempt of its event at each endpoint whose queue it heads, all at once, not waited
   * for. While one is in flight the object's alarm stands INLINE_SAFETY_MS away (armAlarm), so an attempt that
   * dies with the object is made again; once they have all ended the alarm is set for their retries.
   */
  startAfterChange(event: WebhookEvent): void {
    const heads = (event.endpoints ?? []).filter((id) => !this.store.hasEndpointTimer(id) && this.store.pendingWebhook(id)?.eventId === event.eventId);
    if (heads.length === 0) return;
    const sends = settleAll(heads.map((id) => this.sendNext(id))).finally(() => this.owner.rearm());
    sends.catch((error: unknown) => logger.error("endpoint_send_failed", { error }));
  }

  /** One attempt at the oldest pending event of this endpoint (a retry, from its timer). */
  async sendNext(endpointId: string): Promise<void> {
    const pending = this.store.pendingWebhook(endpointId);
    if (!pending || this.sending.has(endpointId)) return;
    this.sending.add(endpointId);
    try {
      await this.attempt(endpointId, pending);
    } finally {
      this.sending.delete(endpointId);
    }
  }

  /** The queues whose inline attempt died with the object (pending, no timer, nothing in flight), sent now. */
  async resume(): Promise<void> {
    const stalled = this.store.pendingEndpoints().filter((id) => !this.store.hasEndpointTimer(id) && !this.sending.has(id));
    await settleAll(stalled.map((id) => this.sendNext(id)));
  }

  /**
   * Sends one logged event again to one endpoint, on a fresh schedule and with the same webhook-id (the delivery
   * log's retry). False when the event is unknown here or still pending for that endpoint.
   */
  requeue(endpointId: string, eventId: string, source: string, now: number): boolean {
    const event = this.store.webhookEvent(eventId);
    if (!event || this.store.pendingWebhook(endpointId)?.eventId === eventId) return false;
    const webhook: WebhookEvent = { eventId, type: event.type, body: event.body, callback: false, endpoints: [endpointId] };
    this.store.addEvents([{ type: "webhook.requeued", data: { source, event_id: eventId, endpoint_id: endpointId }, at: now, webhook }]);
    if (!this.store.hasEndpointTimer(endpointId)) this.store.addTimer("endpoint", now, { endpointId });
    return true;
  }

  private async attempt(endpointId: string, event: Pending): Promise<void> {
    const { accountId, mode } = this.owner.describe();
    const webhookId = endpointWebhookId(event.eventId, endpointId);
    const attempt = event.attempts + 1;
    const target = await this.target(accountId, endpointId);
    if (target === "unavailable") {
      // The gate could not answer: this attempt waits for the next slot of the schedule, as a failed send would.
      return this.failed(endpointId, event, { attempt, webhookId, statusCode: null, durationMs: null, error: "the account's gate did not answer" });
    }
    if (!target) return this.endQueue(endpointId, "disabled", "the endpoint is disabled or deleted");
    const problem = callbackUrlProblem(target.url, mode);
    if (problem) return this.endQueue(endpointId, "abandoned", `url refused: ${problem}`);

    const started = Date.now();
    const result = await attemptWebhook(target.url, signedHeaders(target.secrets, webhookId, event.body), event.body);
    const timing = { attempt, webhookId, statusCode: result.httpStatus, durationMs: Date.now() - started };
    if (result.outcome === "delivered") {
      await this.record(endpointId, event, { ...timing, outcome: "delivered" });
    } else if (result.outcome === "gone") {
      // 410: this endpoint takes nothing more of this message (the endpoint itself stays; its owner decides).
      this.owner.gone(endpointId);
      await this.record(endpointId, event, { ...timing, outcome: "disabled", error: "410 Gone: no further events of this message" });
      return this.endQueue(endpointId, "disabled", "the endpoint answered 410 Gone");
    } else {
      return this.failed(endpointId, event, { ...timing, error: result.error }, result.retryAfterSeconds);
    }
    // The next event waited for this one; it goes out on the next alarm.
    if (this.store.pendingWebhook(endpointId)) this.store.addTimer("endpoint", Date.now(), { endpointId });
  }

  private async failed(endpointId: string, event: Pending, logged: Omit<Logged, "outcome">, retryAfter?: number): Promise<void> {
    const delay = retryDelaySeconds(logged.attempt, retryAfter);
    if (delay !== null) {
      const next = Date.now() + delay * 1000;
      this.store.addTimer("endpoint", next, { endpointId });
      await this.record(endpointId, event, { ...logged, outcome: "retry_scheduled", nextRetryAt: unixSeconds(next) });
    } else {
      await this.record(endpointId, event, { ...logged, outcome: "abandoned" });
      if (this.store.pendingWebhook(endpointId)) this.store.addTimer("endpoint", Date.now(), { endpointId });
    }
    await judgeEndpoint(this.env, this.controlDb, this.owner.describe().accountId, endpointId);
  }

  private async target(accountId: string, endpointId: string): Promise<EndpointTarget | null | "unavailable"> {
    try {
      return await this.env.ACCOUNT_GATE.getByName(accountId).endpointTarget(accountId, endpointId);
    } catch (error) {
      logger.warn("endpoint_target_unavailable", { account_id: accountId, endpoint_id: endpointId, error });
      return "unavailable";
    }
  }

  /** The endpoint takes nothing more of this message: each event still queued for it ends with `outcome`, unsent. */
  private async endQueue(endpointId: string, outcome: DeliveryOutcome, why: string): Promise<void> {
    for (let next = this.store.pendingWebhook(endpointId); next; next = this.store.pendingWebhook(endpointId)) {
      const webhookId = endpointWebhookId(next.eventId, endpointId);
      await this.record(endpointId, next, { attempt: next.attempts, webhookId, statusCode: null, durationMs: null, outcome, error: `not sent: ${why}` });
    }
  }

  /** The attempt in the message's events (which ends or keeps the event pending) and in the endpoint's delivery log. */
  private async record(endpointId: string, event: Pending, logged: Logged): Promise<void> {
    const now = Date.now();
    const data: JsonObject = {
      event_id: event.eventId,
      event_type: event.type,
      endpoint_id: endpointId,
      attempt: logged.attempt,
      http_status: logged.statusCode,
      duration_ms: logged.durationMs,
      outcome: logged.outcome,
      ...(logged.error ? { error: logged.error } : {}),
      ...(logged.nextRetryAt ? { next_retry_at: logged.nextRetryAt } : {}),
    };
    this.store.addEvents([{ type: "webhook.attempt", data, at: now }]);
    const { accountId, messageId } = this.owner.describe();
    const row = {
      id: newId("whd"),
      accountId,
      endpointId,
      webhookId: logged.webhookId,
      eventId: event.eventId,
      eventType: event.type,
      messageId,
      attempt: logged.attempt,
      statusCode: logged.statusCode,
      durationMs: logged.durationMs,
      outcome: logged.outcome,
      error: logged.error ?? null,
      nextRetryAt: logged.nextRetryAt ?? null,
      createdAt: unixSeconds(now),
    };
    // The message's own log is the outbox; the D1 log is the endpoint's view of it, and a failed write loses only that view.
    await insertDelivery(this.controlDb, row).catch((error) => logger.warn("delivery_log_not_written", { endpoint_id: endpointId, error }));
  }
}

/** Whose events the outbox sends: a message's object, or the account's gate (account events). */
export interface OutboxOwner {
  describe(): { accountId: string; messageId: string | null; mode: Mode };
  /** The endpoint answered 410 Gone: the owner sends it nothing more. */
  gone(endpointId: string): void;
  /** Sets the owner's alarm for what is due (a send that ended after the change that started it returned). */
  rearm(): Promise<void>;
}

interface Logged {
  attempt: number;
  webhookId: string;
  statusCode: number | null;
  durationMs: number | null;
  outcome: DeliveryOutcome;
  error?: string;
  nextRetryAt?: number;
}

/** Waits for every send; the first failure is thrown once all have ended (one endpoint's error never cuts another short). */
async function settleAll(sends: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(sends);
  const failure = results.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
}
