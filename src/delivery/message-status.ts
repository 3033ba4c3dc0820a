// One Durable Object per message (idFromName(message id)). It owns the
// message's delivery: it hands the message to its provider at most once per
// step, serializes every status change, keeps the event log, projects the
// current status onto the message's D1 row (through the projection queue),
// and delivers the status_callback webhooks in order, retrying them on its
// own schedule. Its delivery controls (fallback steps, validity, scheduled
// send and cancel) follow src/domain/failover.ts; its alarm runs what is due.
//
// A message's life is kept lean (npm run bench counts it): one D1 read of its
// row, from its own shard; per change one storage row written, its state and
// its events together (the change's event carries its signed webhook: the log
// is also the outbox), and one Queue send of its projection, except for the
// hand-off's, which the delivery consumer writes to D1 itself (deliver's
// `projectToCaller`); the hand-off's lease is held in memory, not written
// (MessageStore.holdState); a webhook's first attempt runs inline with its change, so
// an answered callback needs no alarm; the sandbox's reports live in the state
// and come due on the object's alarm.
import { DurableObject } from "cloudflare:workers";
import { database } from "../db/client.ts";
import type { Projection } from "../db/projections.ts";
import { type CancelDecision, cancelDecision, EXPIRED, isExpired, lastStep } from "../domain/failover.ts";
import type { Message, MessageObject } from "../domain/message.ts";
import { isTerminal } from "../domain/status.ts";
import { suppressionRecipient } from "../domain/suppression.ts";
import type { Receipt } from "../providers/provider.ts";
import type { DeliveryState, SigningSecrets } from "./delivery-state.ts";
import { recordAnswer } from "./handoff-answer.ts";
import {
  type DeliveryOutcome,
  HANDOFF_LEASE_MS,
  MAX_DELIVERY_ATTEMPTS,
  MISSING_ROW_ATTEMPTS,
  MISSING_ROW_RETRY_SECONDS,
  REDRIVE_DELAY_MS,
  RETRY_TOLERANCE_MS,
  type ReceiptOutcome,
} from "./handoff-rules.ts";
import { announceReceived } from "./inbound-arrival.ts";
import { MessageAlarm } from "./message-alarm.ts";
import { loadState } from "./message-load.ts";
import { MessageStore } from "./message-store.ts";
import { ProviderReports } from "./provider-reports.ts";
import { emptyStorage, Redaction, type RedactOutcome } from "./redaction.ts";
import { RowChecker } from "./row-check.ts";
import { StatusChanges, startAttempt } from "./status-change.ts";
import { StatusProjection } from "./status-projection.ts";
import { sendStep } from "./step-send.ts";
import { countStepSpend } from "./step-spend.ts";
import { WebhookOutbox } from "./webhook-outbox.ts";

/** The Durable Object of one message: one instance per message id. */
export function messageStatusStub(env: Env, messageId: string) {
  return env.MESSAGE_STATUS.get(env.MESSAGE_STATUS.idFromName(messageId));
}

/** A delivery's outcome, with the projection of its change when the caller writes it (`projectToCaller`). */
export type DeliveryAnswer = DeliveryOutcome & { projection?: Projection };

export class MessageStatus extends DurableObject<Env> {
  // The control database's client, made once per object and handed to the parts that read or write it.
  private readonly controlDb = database(this.env.CONTROL_DB);
  private readonly store = new MessageStore(this.ctx.storage.sql);
  private readonly outbox = new WebhookOutbox(this.store, this.env, this.controlDb, () => this.changes.armAlarm());
  private readonly projection = new StatusProjection(this.store, this.ctx.storage, this.env);
  private readonly redaction = new Redaction(this.store, this.projection);
  private readonly changes = new StatusChanges(this.env, this.controlDb, this.ctx.storage, this.store, this.outbox, this.projection, this.redaction);
  private readonly reports = new ProviderReports(this.env, this.controlDb, this.store, this.changes);
  private readonly rows = new RowChecker(this.env, this.controlDb, this.store, this.projection);
  private readonly timers = new MessageAlarm(this.store, this.changes, this.outbox, this.projection, this.rows, {
    deliver: (messageId, attempt) => this.handOff(messageId, attempt),
    load: (messageId, endpoints) => this.loadFromD1(messageId, endpoints),
    suppressed: (message) =>
      this.env.ACCOUNT_GATE.getByName(message.accountId).suppressed(message.accountId, [message, ...(message.fallback ?? [])].map(suppressionRecipient)),
  });

  /**
   * Called by the queue consumer for every delivery of the message's queue job (`queueAttempt` counts from 1).
   * `projectToCaller`: the caller writes the projection of what the hand-off changed (answered with the outcome)
   * instead of this object sending it to the projection queue (direct-projections.ts).
   */
  async deliver(messageId: string, queueAttempt = 1, endpoints?: boolean, projectToCaller = false): Promise<DeliveryAnswer> {
    if (!projectToCaller) return this.handOff(messageId, queueAttempt, endpoints);
    const { result, projection } = await this.projection.forCaller(() => this.handOff(messageId, queueAttempt, endpoints));
    return projection ? { ...result, projection } : result;
  }

  private async handOff(messageId: string, queueAttempt: number, endpoints?: boolean): Promise<DeliveryOutcome> {
    const state = this.store.state() ?? (await this.loadFromD1(messageId, endpoints));
    if (!state) {
      // The job is sent while its row is inserted, so it can arrive first; a
      // job whose insert failed never finds its message and is dropped.
      return queueAttempt < MISSING_ROW_ATTEMPTS
        ? { action: "retry", delaySeconds: MISSING_ROW_RETRY_SECONDS }
        : { action: "ack", reason: "message_not_found" };
    }
    // Each step is handed off once; a scheduled message waits for its alarm.
    if (isTerminal(state.status) || state.status === "scheduled" || state.providerMessageId !== null) {
      // A job for a message under way (the reconciler's, for a row still queued): a row a lost projection left behind catches up.
      if (state.status !== "scheduled" && this.store.state()) {
        await this.projection.write();
        await this.changes.armAlarm(); // the send's safety ring, replaced by what is really due
      }
      return { action: "ack", reason: "already_handed_off" };
    }
    const now = Date.now();
    if (state.handoffStartedAt !== null && now - state.handoffStartedAt < HANDOFF_LEASE_MS) {
      return { action: "ack", reason: "handoff_in_flight" };
    }
    // A second job for the message (e.g. re-enqueued by the reconciler) keeps to the backoff schedule.
    if (state.retryNotBefore !== null && now < state.retryNotBefore - RETRY_TOLERANCE_MS) {
      return { action: "retry", delaySeconds: Math.ceil((state.retryNotBefore - now) / 1000) };
    }
    if (isExpired(state.message.expiresAt, now)) {
      await this.changes.message(state, "expired", { source: "validity_period", ...EXPIRED });
      return { action: "ack", reason: "expired" };
    }

    // Recorded before the call, in memory (holdState says why it is not written): a duplicate delivery arriving meanwhile sees it.
    const { step, message } = state;
    const target = startAttempt(state, now);
    if (state.handoffAttempts === 0 && message.fallbackAfter !== null && step < lastStep(message)) {
      // The step has this long to be delivered before the next one starts.
      this.store.addTimer("fallback", now + message.fallbackAfter * 1000, { step });
    }
    state.handoffAttempts += 1;
    state.handoffStartedAt = now;
    this.store.holdState(state);

    const { provider, result } = await sendStep(this.env, message, step, target, state.handoffAttempts, now);
    const outcome = await recordAnswer(this.store, this.changes, { step, provider: provider.name, result, startedAt: now });
    // Reports that came while the call was open can be placed now.
    await this.reports.afterHandOff();
    if (outcome.action === "ack" && outcome.reason === "handed_off") await countStepSpend(this.env, message, step);
    return outcome;
  }

  /** Called for a job that the queue gave up on: the message must not stay queued forever. */
  async deadLettered(messageId: string): Promise<void> {
    const state = this.store.state() ?? (await this.loadFromD1(messageId));
    if (!state || isTerminal(state.status) || state.status === "scheduled" || state.providerMessageId !== null) return;
    // A copy of the job (the reconciler's) ran out of retries while the
    // message waits out a provider's backoff: its own retries still run.
    if (state.retryNotBefore !== null && state.retryNotBefore > Date.now() && state.handoffAttempts < MAX_DELIVERY_ATTEMPTS) return;
    // A copy ran out while another job's hand-off is under way: that hand-off's answer decides.
    if (state.handoffStartedAt !== null && Date.now() - state.handoffStartedAt < HANDOFF_LEASE_MS) return;
    startAttempt(state, Date.now());
    await this.changes.step(state, state.step, "failed", {
      source: "dead_letter_queue",
      errorCode: "provider_unavailable",
      errorMessage: "Delivery was abandoned after the queue's last retry.",
    });
  }

  /** A verified provider report, about the hand-off of any of the message's steps (provider-reports.ts). */
  receipt(receipt: Receipt): Promise<ReceiptOutcome> {
    return this.reports.apply(receipt);
  }

  /** An inbound message, just stored (src/services/inbound.ts): its message.received callback goes out. */
  async received(message: Message, signing: SigningSecrets | null): Promise<void> {
    await announceReceived(this.env, this.store, this.outbox, this.ctx.storage, message, signing);
    await this.changes.armAlarm();
  }

  events() {
    return this.store.events();
  }
  /** POST /v1/messages/:id/redact: the content of a final message removed (redaction.ts). */
  async redact(): Promise<RedactOutcome> {
    const outcome = await this.redaction.redact(Date.now());
    await this.changes.armAlarm(); // a failed projection's retry timer
    return outcome;
  }

  /** Retention: the message is deleted from D1, and its object's storage with it. */
  forget(): Promise<void> {
    return emptyStorage(this.ctx.storage);
  }

  /** Sends the abandoned status callbacks again (`source`: who asked); how many were re-queued. */
  async retryWebhooks(source: string): Promise<number> {
    const requeued = this.outbox.retryAbandoned(source, Date.now());
    await this.changes.armAlarm();
    return requeued;
  }

  /** The delivery log's retry: one logged event sent again to one endpoint, same webhook-id, fresh schedule. */
  async retryEndpointEvent(endpointId: string, eventId: string, source: string): Promise<boolean> {
    const requeued = this.outbox.endpoints.requeue(endpointId, eventId, source, Date.now());
    await this.changes.armAlarm();
    return requeued;
  }

  async alarm(): Promise<void> {
    await this.timers.run();
  }

  /**
   * A scheduled message's create: its hand-off waits for this object's alarm
   * at `sendAtMs`. From the reconciler, for a row still `scheduled` past its
   * time that this object already moved on: a lost projection, sent again.
   */
  async schedule(messageId: string, sendAtMs: number, endpoints?: boolean): Promise<void> {
    const status = this.store.state()?.status;
    if (status !== undefined && status !== "scheduled") await this.projection.write();
    else this.store.addTimer("send", sendAtMs, { messageId, attempt: 1, ...(endpoints === undefined ? {} : { endpoints }) });
    await this.changes.armAlarm(); // after a projection, its safety ring replaced by what is really due
  }

  /** This object's view of its message with a fresh seq, for a repair of its row (null: it holds no state). */
  view(): Projection | null {
    return this.projection.current();
  }

  /**
   * Cancels a scheduled message. The check and the change happen with no
   * await between them, so a cancel racing the send alarm has one outcome.
   */
  async cancel(messageId: string): Promise<{ outcome: CancelDecision; message: MessageObject | null }> {
    const loaded = this.store.state() ?? (await this.loadFromD1(messageId));
    if (!loaded) return { outcome: "not_cancelable", message: null };
    const state = this.store.state() ?? loaded;
    const outcome = cancelDecision(state.status);
    if (outcome === "cancel") {
      this.store.deleteTimers("send");
      await this.changes.message(state, "canceled", { source: "api" });
    }
    return { outcome, message: this.changes.messageObject(this.store.state() ?? state) };
  }

  private loadFromD1(messageId: string, endpoints?: boolean): Promise<DeliveryState | null> {
    return loadState(this.env, this.controlDb, this.store, messageId, endpoints);
  }

  /**
   * Called by a create whose Queue.send failed (the row is stored): this
   * object hands the message off itself from its alarm in REDRIVE_DELAY_MS,
   * unless a job got here first, so the message waits seconds, not the
   * reconciler's minute. The only call a create makes here, on that path only.
   */
  async redrive(messageId: string): Promise<void> {
    this.store.addTimer("redrive", Date.now() + REDRIVE_DELAY_MS, { messageId, attempt: 1 });
    await this.changes.armAlarm();
  }
}
