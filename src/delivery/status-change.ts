// How the message's Durable Object applies a status change: to the attempt
// of one step (a hand-off's outcome, a provider's report) and through it to
// the message's overall status (src/domain/failover.ts), or to the message
// alone (expired, canceled, a scheduled message's turn). Each change is one
// write of its new state and its events together (one row, message-store.ts); the event carries its signed callback,
// which names the attempt it is about; the projection (to the projection
// queue, then D1) and the callback's first attempt follow at once, and the
// object's alarm is set for what is due.

import type { Database } from "../db/client.ts";
import { EXPIRED, isExpired, lastStep, type StepTarget, startedAttempt, stepOutcome, stepTarget, webhookType } from "../domain/failover.ts";
import { unixSeconds } from "../domain/ids.ts";
import { type MessageObject, toMessageObject } from "../domain/message.ts";
import { canTransition, isDelivery, type Status } from "../domain/status.ts";
import { logger } from "../log.ts";
import { type DeliveryState, publicAttempts } from "./delivery-state.ts";
import { type Change, INLINE_SAFETY_MS } from "./handoff-rules.ts";
import { hasFiles, releaseMessageMedia } from "./media-release.ts";
import type { JsonObject, NewEvent } from "./message-log.ts";
import type { MessageStore } from "./message-store.ts";
import type { Redaction } from "./redaction.ts";
import { statePrice } from "./state-price.ts";
import type { StatusProjection } from "./status-projection.ts";
import { SUPPRESSION_LIST, suppressFromOutcome } from "./suppression-feed.ts";
import type { WebhookOutbox } from "./webhook-outbox.ts";

interface Commit {
  /** The message's new overall status, or null: only the attempt changed. */
  overall: Status | null;
  change: Change;
  /** The step whose attempt changed, and its new status; null for a change of the message alone. */
  step: number | null;
  status: Status;
  before: NewEvent[];
  /** False for a change no callback is made for (a scheduled message's turn to be queued). */
  callback?: boolean;
}

export class StatusChanges {
  constructor(
    private readonly env: Env,
    private readonly controlDb: Database,
    private readonly storage: DurableObjectStorage,
    private readonly store: MessageStore,
    private readonly outbox: WebhookOutbox,
    private readonly projection: StatusProjection,
    private readonly redaction: Redaction,
  ) {}

  /** The message object as GET /v1/messages/:id returns it now. */
  messageObject(state: DeliveryState): MessageObject {
    const { status, deliveredAt, providerLatencyMs, errorCode, errorMessage, deliveredChannel } = state;
    const attempts = publicAttempts(state.attempts);
    return toMessageObject({
      ...state.message,
      status,
      deliveredAt,
      providerLatencyMs,
      errorCode,
      errorMessage,
      attempts,
      deliveredChannel,
      ...statePrice(state),
    });
  }

  /**
   * Step `step` reached `status`: applies it to that attempt if it moves the
   * attempt forward, and to the message as the failover rules say (starting
   * the next step, or ending the message expired when the next step would
   * start past its validity). Records an ignored change too.
   */
  async step(state: DeliveryState, step: number, status: Status, change: Change, before: NewEvent[] = []): Promise<boolean> {
    const attempt = state.attempts[step];
    const now = Date.now();
    if (!attempt || !canTransition(attempt.status, status)) {
      const data = {
        status,
        source: change.source,
        step,
        current_status: attempt?.status ?? state.status,
        ...(change.detail ? { detail: change.detail } : {}),
      };
      this.store.commit(state, [...before, { type: "status.ignored", data, at: now }]);
      return false;
    }
    attempt.status = status;
    if (isDelivery(status) && attempt.provider_latency_ms === null) {
      const handedOffAt = attempt.handed_off_at ?? state.handoffStartedAt;
      attempt.provider_latency_ms = handedOffAt === null ? null : now - handedOffAt;
    }
    if (change.errorCode) attempt.error = { code: change.errorCode, message: change.errorMessage ?? "" };
    const outcome = stepOutcome(state.status, state.step, lastStep(state.message), step, status);
    if (outcome.failover && isExpired(state.message.expiresAt, now)) {
      return this.commit(state, { overall: "expired", change: { source: change.source, ...EXPIRED }, step, status, before });
    }
    const events = outcome.failover ? [...before, this.startNextStep(state, now)] : before;
    return this.commit(state, { overall: outcome.overall, change, step, status, before: events });
  }

  /** A change of the message alone (expired, canceled, queued at its send time), if it moves the message forward. */
  async message(state: DeliveryState, status: Status, change: Change, options: { callback?: boolean } = {}): Promise<boolean> {
    if (!canTransition(state.status, status)) return false;
    // A step still waiting for its hand-off ends with the message.
    const waiting = state.attempts[state.step];
    if (waiting?.status === "queued" && state.providerMessageId === null && status !== "queued") {
      waiting.status = status;
      if (change.errorCode) waiting.error = { code: change.errorCode, message: change.errorMessage ?? "" };
    }
    return this.commit(state, { overall: status, change, step: null, status, before: [], callback: options.callback });
  }

  /** The current step's fallback_after passed: the next step starts, or past its validity the message expires. */
  async fallBack(state: DeliveryState): Promise<void> {
    const now = Date.now();
    if (isExpired(state.message.expiresAt, now)) {
      await this.message(state, "expired", { source: "fallback_after", ...EXPIRED });
      return;
    }
    const started = this.startNextStep(state, now);
    this.projection.checkRowLater(state);
    this.store.commit(state, [started]);
    await this.projection.write();
    await this.armAlarm();
  }

  /** Moves the message to its next step: a fresh hand-off, made by this object's alarm (a "redrive" timer). */
  private startNextStep(state: DeliveryState, now: number): NewEvent {
    state.step += 1;
    Object.assign(state, { handoffAttempts: 0, handoffStartedAt: null, retryNotBefore: null, handedOffAt: null, provider: null, providerMessageId: null });
    const target = startAttempt(state, now);
    this.store.addTimer("redrive", now, { messageId: state.message.id, attempt: 1 });
    return { type: "fallback.started", data: { step: state.step, channel: target.channel, to: target.to }, at: now };
  }

  private async commit(state: DeliveryState, commit: Commit): Promise<boolean> {
    const now = Date.now();
    const { overall, change, step, status } = commit;
    const attempt = step === null ? undefined : state.attempts[step];
    if (overall) {
      state.status = overall;
      if (isDelivery(overall) && state.deliveredAt === null) {
        state.deliveredAt = unixSeconds(now);
        const handedOffAt = state.handedOffAt ?? state.handoffStartedAt;
        state.providerLatencyMs = attempt ? attempt.provider_latency_ms : handedOffAt === null ? null : now - handedOffAt;
        state.deliveredChannel = attempt?.channel ?? state.message.channel;
      }
      if (change.errorCode) {
        state.errorCode = change.errorCode;
        state.errorMessage = change.errorMessage ?? null;
      }
    }
    const data: JsonObject = { status, source: change.source, ...(change.detail ? { detail: change.detail } : {}) };
    if (step !== null) Object.assign(data, { step, ...(overall && overall !== status ? { message_status: overall } : {}) });
    if (change.errorCode) data.error = { code: change.errorCode, message: change.errorMessage ?? "" };
    const about = attempt && step !== null ? { index: step, channel: attempt.channel, to: attempt.to, status: attempt.status } : null;
    // A discard message that this change makes final is stored, and called back, without its content.
    const filesHeld = hasFiles(state.message);
    const redacted = this.redaction.onChange(state, now);
    const webhook = commit.callback === false ? null : this.outbox.event(state, this.messageObject(state), now, webhookType(overall, status), about);
    this.projection.checkRowLater(state);
    this.store.commit(state, [...commit.before, { type: "status.changed", data, at: now, webhook }]);
    if (webhook) await this.storage.setAlarm(now + INLINE_SAFETY_MS);
    // The projection carries the redaction: a final status reaches D1 already without content.
    if (redacted) this.redaction.finish();
    await this.projection.write();
    // Its files go with its content (src/delivery/media-release.ts); the object's state is not touched.
    if (redacted && filesHeld) await releaseMessageMedia(this.env, state.message.id, now);
    // A bounce, a complaint or the provider's opted-out error suppresses the step's recipient; a step skipped
    // because it was suppressed at create (its recipient_suppressed is ours, not a provider's) suppresses nothing.
    const skipped = change.source === SUPPRESSION_LIST || (step !== null && stepTarget(state.message, step, null).suppressed);
    if (!skipped) await suppressFromOutcome(this.env, this.controlDb, state.message, change.errorCode, undefined, attempt ?? state.message);
    const callback = this.outbox.sendAfterChange(webhook);
    if (webhook && this.projection.toCaller) {
      // Its caller writes its projection (the delivery consumer): the callback's first attempt goes on without holding
      // the row back, under the alarm set above; once it has ended the alarm is set for its retry or what else is due
      // (a sandbox report rings after the attempt, as when it is waited for: no later event queues behind it).
      void callback
        .catch((error: unknown) => logger.with({ message_id: state.message.id }).error("webhook_after_change_failed", { error }))
        .then(() => this.armAlarm())
        .catch((error: unknown) => logger.with({ message_id: state.message.id }).error("alarm_not_set", { error }));
      return true;
    }
    await callback;
    await this.armAlarm();
    return true;
  }

  /** Sets the object's alarm for what is due next: timers, sandbox reports, a pending callback, the validity's end, the row's check. */
  async armAlarm(): Promise<void> {
    const state = this.store.state();
    const dues = [this.store.nextTimerDue(), ...(state?.reports ?? []).map((report) => report.dueAt)].filter((due) => due !== null);
    // A pending event with no timer is either being sent now (ring once its attempt could have died with the object)
    // or was being sent when the object died (ring now).
    if (this.store.pendingWebhook() && !this.store.hasTimer("webhook")) dues.push(Date.now() + (this.outbox.attemptInFlight ? INLINE_SAFETY_MS : 0));
    // The same for each webhook endpoint's queue.
    for (const id of this.store.pendingEndpoints()) {
      if (!this.store.hasEndpointTimer(id)) dues.push(Date.now() + (this.outbox.endpoints.inFlight(id) ? INLINE_SAFETY_MS : 0));
    }
    if (state && waitsForHandOff(state) && state.message.expiresAt !== null) dues.push(state.message.expiresAt * 1000);
    const check = state && this.projection.openCheck(state);
    if (check) dues.push(check.at);
    if (dues.length > 0) await this.storage.setAlarm(Math.min(...dues));
    else await this.storage.deleteAlarm();
  }
}

/** The current step's attempt, recorded as it starts (once); where the step goes. */
export function startAttempt(state: DeliveryState, now: number): StepTarget {
  const target = stepTarget(state.message, state.step, state.fromId);
  state.attempts[state.step] ??= { ...startedAttempt(target, now), provider: null, provider_message_id: null, handed_off_at: null };
  return target;
}

/** The message is not handed off (scheduled, queued or retrying, or its next step not yet started): its validity can end it. */
export function waitsForHandOff(state: DeliveryState): boolean {
  if (state.status === "scheduled") return true;
  return (state.status === "queued" || state.status === "sent") && state.providerMessageId === null && state.handoffStartedAt === null;
}
