// One Durable Object per message (idFromName(message id)). It owns the
// message's delivery: it hands the message to its provider at most once,
// serializes every status change, keeps the event log, projects the current
// status onto the message's D1 row, and delivers the status_callback webhooks
// in order, retrying them on its own schedule.
import { DurableObject } from "cloudflare:workers";
import { database } from "../db/client.ts";
import { messageForDelivery, writeStatus } from "../db/messages.ts";
import { providerSenderId } from "../db/senders.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import { unixSeconds } from "../domain/ids.ts";
import { type MessageObject, toMessageObject } from "../domain/message.ts";
import { canTransition, isDelivery, type Status } from "../domain/status.ts";
import { logger } from "../log.ts";
import { providerFor } from "../providers/index.ts";
import type { Receipt, ScheduledReport } from "../providers/provider.ts";
import { type DeliveryState, MessageStore } from "./message-store.ts";
import { WebhookOutbox } from "./webhook-outbox.ts";

/** Hand-off attempts before a message fails as provider_unavailable (the queue allows one more, for crashes). */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** A hand-off in flight for longer than this is taken to have died with its caller. */
const HANDOFF_LEASE_MS = 30_000;
/** A retry arriving this early is close enough to its time (queue delays are not exact). */
const RETRY_TOLERANCE_MS = 1_000;
const D1_RETRY_MS = 5_000;

export type DeliveryOutcome = { action: "ack"; reason: string } | { action: "retry"; delaySeconds: number };
export type ReceiptOutcome = "applied" | "ignored" | "noted" | "unknown";

interface Change {
  source: string;
  errorCode?: string;
  errorMessage?: string;
  detail?: string;
}

/** The Durable Object of one message: one instance per message id. */
export function messageStatusStub(env: Env, messageId: string) {
  return env.MESSAGE_STATUS.get(env.MESSAGE_STATUS.idFromName(messageId));
}

export class MessageStatus extends DurableObject<Env> {
  private readonly store = new MessageStore(this.ctx.storage.sql);
  private readonly outbox = new WebhookOutbox(this.store, this.env);
  // D1 writes run one after another, each with the state current when it runs,
  // so the last write to land always carries the newest status.
  private projection: Promise<void> = Promise.resolve();

  /** Called by the queue consumer for every delivery of the message's queue job. */
  async deliver(messageId: string): Promise<DeliveryOutcome> {
    const state = this.store.state() ?? (await this.loadFromD1(messageId));
    if (!state) return { action: "ack", reason: "message_not_found" };
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
    const fromId = provider.name === "whatsapp" ? await providerSenderId(database(this.env.DB), message.accountId, message.channel, message.from) : undefined;
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
      this.store.saveState(current);
      this.store.addEvent("provider.attempt", { ...attempt, outcome: "accepted", provider_message_id: result.providerMessageId });
      for (const report of result.reports ?? []) this.scheduleReport(now, report);
      await this.transition("sent", { source: provider.name });
      return { action: "ack", reason: "handed_off" };
    }

    this.store.saveState(current);
    this.store.addEvent("provider.attempt", {
      ...attempt,
      outcome: result.retryable ? "retryable_error" : "permanent_error",
      http_status: result.httpStatus ?? null,
      code: result.code,
      message: result.message,
    });
    if (result.retryable && current.handoffAttempts < MAX_DELIVERY_ATTEMPTS) {
      const delaySeconds = backoffSeconds(current.handoffAttempts, result.retryAfterSeconds);
      this.store.saveState({ ...current, retryNotBefore: Date.now() + delaySeconds * 1000 });
      return { action: "retry", delaySeconds };
    }
    const exhausted = result.retryable;
    await this.transition("failed", {
      source: provider.name,
      errorCode: exhausted ? "provider_unavailable" : result.code,
      errorMessage: exhausted ? `The provider was unavailable for ${current.handoffAttempts} attempts; last error: ${result.message}` : result.message,
    });
    return { action: "ack", reason: "failed" };
  }

  /** Called for a job that the queue gave up on: the message must not stay queued forever. */
  async deadLettered(messageId: string): Promise<void> {
    const state = this.store.state() ?? (await this.loadFromD1(messageId));
    if (state?.status !== "queued") return;
    await this.transition("failed", {
      source: "dead_letter_queue",
      errorCode: "provider_unavailable",
      errorMessage: "Delivery was abandoned after the queue's last retry.",
    });
  }

  /** A verified provider report. */
  async receipt(receipt: Receipt): Promise<ReceiptOutcome> {
    const state = this.store.state();
    if (!state || (state.providerMessageId !== null && receipt.providerMessageId !== state.providerMessageId)) return "unknown";
    if (receipt.status === null) {
      this.store.addEvent("receipt.noted", { source: receipt.provider, detail: receipt.detail });
      return "noted";
    }
    const applied = await this.transition(receipt.status, {
      source: receipt.provider,
      errorCode: receipt.errorCode,
      errorMessage: receipt.errorMessage,
      detail: receipt.detail,
    });
    return applied ? "applied" : "ignored";
  }

  events() {
    return this.store.events();
  }

  /** Sends the abandoned status callbacks again (`source`: who asked); how many were re-queued. */
  async retryWebhooks(source: string): Promise<number> {
    const requeued = this.outbox.retryAbandoned(source, Date.now());
    await this.armAlarm();
    return requeued;
  }

  async alarm(): Promise<void> {
    // Each timer is deleted as it is handled and every handler is idempotent,
    // so an alarm that fires twice changes nothing the second time. Failures
    // are scheduled again by the handlers themselves, never left to the
    // platform's alarm retries.
    for (const timer of this.store.dueTimers(Date.now())) {
      this.store.deleteTimer(timer.id);
      try {
        await this.runTimer(timer.kind, timer.payload);
      } catch (error) {
        logger.with({ message_id: this.store.state()?.message.id }).error("timer_failed", { kind: timer.kind, error });
        this.store.addTimer(timer.kind, Date.now() + D1_RETRY_MS, timer.payload);
      }
    }
    await this.armAlarm();
  }

  private async runTimer(kind: string, payload: Record<string, unknown>): Promise<void> {
    if (kind === "report") {
      const report = payload as unknown as ScheduledReport;
      await this.transition(report.status, { source: "sandbox", errorCode: report.errorCode, errorMessage: report.errorMessage });
    } else if (kind === "project") {
      await this.project();
    } else if (kind === "webhook") {
      await this.outbox.sendNext();
    }
  }

  private async loadFromD1(messageId: string): Promise<DeliveryState | null> {
    const row = await messageForDelivery(database(this.env.DB), messageId);
    if (!row) {
      logger.with({ message_id: messageId }).error("delivery_for_unknown_message");
      return null;
    }
    return this.store.initState({
      message: row,
      status: row.status,
      handoffAttempts: 0,
      handoffStartedAt: null,
      retryNotBefore: null,
      handedOffAt: null,
      provider: null,
      providerMessageId: null,
      deliveredAt: row.deliveredAt,
      providerLatencyMs: row.providerLatencyMs,
      errorCode: row.errorCode,
      errorMessage: row.errorMessage,
      callbackGone: false,
    });
  }

  private scheduleReport(handedOffAt: number, report: ScheduledReport): void {
    this.store.addTimer("report", handedOffAt + report.afterMs, { ...report });
  }

  /** The message object as GET /v1/messages/:id returns it now. */
  private messageObject(state: DeliveryState): MessageObject {
    const { status, deliveredAt, providerLatencyMs, errorCode, errorMessage } = state;
    return toMessageObject({ ...state.message, status, deliveredAt, providerLatencyMs, errorCode, errorMessage });
  }

  /** Applies a status change if it moves the message forward; records it either way. */
  private async transition(status: Status, change: Change): Promise<boolean> {
    const state = this.store.state()!;
    const data = { status, source: change.source, ...(change.detail ? { detail: change.detail } : {}) };
    if (!canTransition(state.status, status)) {
      this.store.addEvent("status.ignored", { ...data, current_status: state.status });
      return false;
    }
    const now = Date.now();
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
    this.store.saveState(state);
    this.store.addEvent(
      "status.changed",
      { ...data, ...(change.errorCode ? { error: { code: change.errorCode, message: change.errorMessage ?? "" } } : {}) },
      now,
    );
    this.outbox.add(state, this.messageObject(state), now);
    await this.project();
    await this.armAlarm();
    return true;
  }

  /** Writes the current status to D1; if D1 fails, a timer tries again until it succeeds. */
  private project(): Promise<void> {
    this.projection = this.projection.then(async () => {
      const state = this.store.state()!;
      try {
        await writeStatus(database(this.env.DB), state.message.id, {
          status: state.status,
          deliveredAt: state.deliveredAt,
          providerLatencyMs: state.providerLatencyMs,
          errorCode: state.errorCode,
          errorMessage: state.errorMessage,
        });
      } catch (error) {
        logger.with({ message_id: state.message.id }).error("status_projection_failed", { error });
        this.store.addTimer("project", Date.now() + D1_RETRY_MS, {});
      }
    });
    return this.projection;
  }

  private async armAlarm(): Promise<void> {
    const due = this.store.nextTimerDue();
    if (due !== null) await this.ctx.storage.setAlarm(due);
  }
}
