// One Durable Object per message (idFromName(message id)). It owns the
// message's delivery: it hands the message to its provider at most once,
// serializes every status change, keeps the event log, projects the current
// status onto the message's D1 row, and delivers the status_callback webhooks
// in order, retrying them on its own schedule.
//
// A message's life is kept lean (npm run bench counts it): the row, its
// account's signing secrets and its sender's provider id come in one D1 read;
// each change is one state write and one event write (the event carries its
// signed webhook, so the log is also the outbox); a webhook's first attempt
// runs inline with its change, so an answered callback needs no alarm; the
// sandbox's reports live in the state and come due on the object's alarm.
import { DurableObject } from "cloudflare:workers";
import { database } from "../db/client.ts";
import { messageForDelivery } from "../db/messages.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import { unixSeconds } from "../domain/ids.ts";
import { type MessageObject, toMessageObject } from "../domain/message.ts";
import { canTransition, isDelivery, type Status } from "../domain/status.ts";
import { logger } from "../log.ts";
import { providerFor } from "../providers/index.ts";
import type { Receipt } from "../providers/provider.ts";
import {
  type Change,
  type DeliveryOutcome,
  HANDOFF_LEASE_MS,
  INLINE_SAFETY_MS,
  MAX_DELIVERY_ATTEMPTS,
  MISSING_ROW_ATTEMPTS,
  MISSING_ROW_RETRY_SECONDS,
  REDRIVE_DELAY_MS,
  RETRY_TOLERANCE_MS,
  type ReceiptOutcome,
} from "./handoff-rules.ts";
import { type DeliveryState, initialState, type JsonObject, MessageStore, type NewEvent } from "./message-store.ts";
import { emptyStorage, Redaction, type RedactOutcome } from "./redaction.ts";
import { PROJECTION_RETRY_MS, StatusProjection } from "./status-projection.ts";
import { WebhookOutbox } from "./webhook-outbox.ts";

/** The Durable Object of one message: one instance per message id. */
export function messageStatusStub(env: Env, messageId: string) {
  return env.MESSAGE_STATUS.get(env.MESSAGE_STATUS.idFromName(messageId));
}

export class MessageStatus extends DurableObject<Env> {
  private readonly store = new MessageStore(this.ctx.storage.sql);
  private readonly outbox = new WebhookOutbox(this.store, this.env);
  private readonly projection = new StatusProjection(this.store, this.env);
  private readonly redaction = new Redaction(this.store, this.env);

  /** Called by the queue consumer for every delivery of the message's queue job (`queueAttempt` counts from 1). */
  async deliver(messageId: string, queueAttempt = 1): Promise<DeliveryOutcome> {
    const state = this.store.state() ?? (await this.loadFromD1(messageId));
    if (!state) {
      // The job is sent while its row is inserted, so it can arrive first; a
      // job whose insert failed never finds its message and is dropped.
      return queueAttempt < MISSING_ROW_ATTEMPTS
        ? { action: "retry", delaySeconds: MISSING_ROW_RETRY_SECONDS }
        : { action: "ack", reason: "message_not_found" };
    }
    if (state.status !== "queued") return { action: "ack", reason: "already_handed_off" };
    const now = Date.now();
    if (state.handoffStartedAt !== null && now - state.handoffStartedAt < HANDOFF_LEASE_MS) {
      return { action: "ack", reason: "handoff_in_flight" };
    }
    // A second job for the message (e.g. re-enqueued by the reconciler) keeps to the backoff schedule.
    if (state.retryNotBefore !== null && now < state.retryNotBefore - RETRY_TOLERANCE_MS) {
      return { action: "retry", delaySeconds: Math.ceil((state.retryNotBefore - now) / 1000) };
    }

    // Recorded before the call: a duplicate delivery arriving meanwhile sees it.
    state.handoffAttempts += 1;
    state.handoffStartedAt = now;
    this.store.saveState(state);

    const { message } = state;
    const provider = providerFor(this.env, message.mode, message.channel);
    const fromId = state.fromId ?? undefined;
    const result = message.rendered
      ? await provider.send({ messageId: message.id, to: message.to, from: message.from, fromId, content: message.rendered, attempt: state.handoffAttempts })
      : { ok: false as const, retryable: false, code: "template_not_found", message: "The message has no content its provider can send." };

    const current = this.store.state()!;
    current.handoffStartedAt = null;
    current.provider = provider.name;
    const attempt = { provider: provider.name, attempt: current.handoffAttempts, duration_ms: Date.now() - now };
    if (result.ok) {
      current.handedOffAt = now;
      current.providerMessageId = result.providerMessageId;
      current.reports = (result.reports ?? []).map((report) => ({ ...report, dueAt: now + report.afterMs }));
      const accepted = { ...attempt, outcome: "accepted", provider_message_id: result.providerMessageId };
      await this.change(current, "sent", { source: provider.name }, [{ type: "provider.attempt", data: accepted, at: Date.now() }]);
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
      this.store.saveState({ ...current, retryNotBefore: Date.now() + delaySeconds * 1000 });
      this.store.addEvents([refused]);
      return { action: "retry", delaySeconds };
    }
    const exhausted = result.retryable;
    await this.change(
      current,
      "failed",
      {
        source: provider.name,
        errorCode: exhausted ? "provider_unavailable" : result.code,
        errorMessage: exhausted ? `The provider was unavailable for ${current.handoffAttempts} attempts; last error: ${result.message}` : result.message,
      },
      [refused],
    );
    return { action: "ack", reason: "failed" };
  }

  /** Called for a job that the queue gave up on: the message must not stay queued forever. */
  async deadLettered(messageId: string): Promise<void> {
    const state = this.store.state() ?? (await this.loadFromD1(messageId));
    if (state?.status !== "queued") return;
    // A copy of the job (the reconciler's) ran out of retries while the
    // message waits out a provider's backoff: its own retries still run.
    if (state.retryNotBefore !== null && state.retryNotBefore > Date.now() && state.handoffAttempts < MAX_DELIVERY_ATTEMPTS) return;
    await this.change(state, "failed", {
      source: "dead_letter_queue",
      errorCode: "provider_unavailable",
      errorMessage: "Delivery was abandoned after the queue's last retry.",
    });
  }

  /** A verified provider report. */
  async receipt(receipt: Receipt): Promise<ReceiptOutcome> {
    const state = this.store.state();
    // A verified report proves who sent it, not what it is about: it must come from the provider the message was
    // handed to and carry that hand-off's id. Before the hand-off is recorded there is nothing it can be about.
    const handedTo = state && state.providerMessageId !== null ? { provider: state.provider, id: state.providerMessageId } : null;
    if (!state || !handedTo || receipt.provider !== handedTo.provider || receipt.providerMessageId !== handedTo.id) return "unknown";
    if (receipt.status === null) {
      this.store.addEvents([{ type: "receipt.noted", data: { source: receipt.provider, detail: receipt.detail ?? null }, at: Date.now() }]);
      return "noted";
    }
    const { errorCode, errorMessage, detail } = receipt;
    return (await this.change(state, receipt.status, { source: receipt.provider, errorCode, errorMessage, detail })) ? "applied" : "ignored";
  }

  events() {
    return this.store.events();
  }

  /** POST /v1/messages/:id/redact: the content of a final message removed (redaction.ts). */
  redact(): Promise<RedactOutcome> {
    return this.redaction.redact(Date.now());
  }

  /** Retention: the message is deleted from D1, and its object's storage with it. */
  forget(): Promise<void> {
    return emptyStorage(this.ctx.storage);
  }

  /** Sends the abandoned status callbacks again (`source`: who asked); how many were re-queued. */
  async retryWebhooks(source: string): Promise<number> {
    const requeued = this.outbox.retryAbandoned(source, Date.now());
    await this.armAlarm();
    return requeued;
  }

  async alarm(): Promise<void> {
    // Timers and reports are removed as they are handled and every handler is
    // idempotent, so an alarm that fires twice changes nothing the second
    // time. Failures are scheduled again by the handlers themselves.
    for (const timer of this.store.dueTimers(Date.now())) {
      this.store.deleteTimer(timer.id);
      try {
        if (timer.kind === "project") await this.projection.write();
        else if (timer.kind === "webhook") await this.outbox.sendNext();
        else if (timer.kind === "redrive") await this.redriveDue(timer.payload as { messageId: string; attempt: number });
        else if (timer.kind === "redact") await this.redaction.writeRow();
      } catch (error) {
        logger.with({ message_id: this.store.state()?.message.id }).error("timer_failed", { kind: timer.kind, error });
        this.store.addTimer(timer.kind, Date.now() + PROJECTION_RETRY_MS, timer.payload);
      }
    }
    const state = this.store.state();
    const [report, ...later] = state?.reports ?? [];
    if (state && report && report.dueAt <= Date.now()) {
      state.reports = later;
      await this.change(state, report.status, { source: "sandbox", errorCode: report.errorCode, errorMessage: report.errorMessage });
    } else if (this.store.pendingWebhook() && !this.store.hasTimer("webhook")) {
      // An inline attempt that died with the object.
      await this.outbox.sendNext();
    }
    await this.armAlarm();
  }

  private async loadFromD1(messageId: string): Promise<DeliveryState | null> {
    const row = await messageForDelivery(database(this.env.DB), messageId);
    if (!row) {
      logger.with({ message_id: messageId }).warn("delivery_for_unknown_message");
      return null;
    }
    // Another request may have stored the state while this one read D1.
    const { signing } = row;
    const secrets = signing?.webhookSecret ? { ...signing, webhookSecret: signing.webhookSecret, readAt: Date.now() } : null;
    return this.store.state() ?? initialState(row.message, secrets, row.fromId);
  }

  /** The message object as GET /v1/messages/:id returns it now. */
  private messageObject(state: DeliveryState): MessageObject {
    const { status, deliveredAt, providerLatencyMs, errorCode, errorMessage } = state;
    return toMessageObject({ ...state.message, status, deliveredAt, providerLatencyMs, errorCode, errorMessage });
  }

  /**
   * Applies a status change if it moves the message forward, storing the
   * state (as given, with what the caller changed) and the events that led to
   * it in two writes; records an ignored change too.
   */
  private async change(state: DeliveryState, status: Status, change: Change, before: NewEvent[] = []): Promise<boolean> {
    const now = Date.now();
    const data = { status, source: change.source, ...(change.detail ? { detail: change.detail } : {}) };
    if (!canTransition(state.status, status)) {
      this.store.saveState(state);
      this.store.addEvents([...before, { type: "status.ignored", data: { ...data, current_status: state.status }, at: now }]);
      return false;
    }
    state.status = status;
    if (isDelivery(status) && state.deliveredAt === null) {
      state.deliveredAt = unixSeconds(now);
      const handedOffAt = state.handedOffAt ?? state.handoffStartedAt;
      state.providerLatencyMs = handedOffAt === null ? null : now - handedOffAt;
    }
    if (change.errorCode) {
      state.errorCode = change.errorCode;
      state.errorMessage = change.errorMessage ?? null;
    }
    const changed: JsonObject = { ...data };
    if (change.errorCode) changed.error = { code: change.errorCode, message: change.errorMessage ?? "" };
    const redacted = this.redaction.onChange(state, now);
    const webhook = this.outbox.event(state, this.messageObject(state), now);
    this.store.saveState(state);
    this.store.addEvents([...before, { type: "status.changed", data: changed, at: now, webhook }]);
    if (webhook) await this.ctx.storage.setAlarm(now + INLINE_SAFETY_MS);
    // Before the status reaches D1: a final status there already comes without content.
    if (redacted) await this.redaction.finish();
    await this.projection.write();
    await this.outbox.sendAfterChange(webhook, this.projection.secrets(state));
    await this.armAlarm();
    return true;
  }

  private async armAlarm(): Promise<void> {
    const state = this.store.state();
    const dues = [this.store.nextTimerDue(), ...(state?.reports ?? []).map((report) => report.dueAt)].filter((due) => due !== null);
    if (this.store.pendingWebhook() && !this.store.hasTimer("webhook")) dues.push(Date.now());
    if (dues.length > 0) await this.ctx.storage.setAlarm(Math.min(...dues));
    else await this.ctx.storage.deleteAlarm();
  }

  /**
   * Called by a create whose Queue.send failed (the row is stored): this
   * object hands the message off itself from its alarm in REDRIVE_DELAY_MS,
   * unless a job got here first, so the message waits seconds, not the
   * reconciler's minute. The only call a create makes here, on that path only.
   */
  async redrive(messageId: string): Promise<void> {
    this.store.addTimer("redrive", Date.now() + REDRIVE_DELAY_MS, { messageId, attempt: 1 });
    await this.armAlarm();
  }

  /** A redrive's hand-off; its retries follow the same schedule a job's would, from this object's alarm. */
  private async redriveDue({ messageId, attempt }: { messageId: string; attempt: number }): Promise<void> {
    // A job that got here first owns the message's retries (and duplicates would be harmless anyway).
    if (attempt === 1 && (this.store.state()?.handoffAttempts ?? 0) > 0) return;
    const outcome = await this.deliver(messageId, attempt);
    if (outcome.action === "retry") this.store.addTimer("redrive", Date.now() + outcome.delaySeconds * 1000, { messageId, attempt: attempt + 1 });
  }
}
