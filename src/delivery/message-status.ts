// One Durable Object per message (idFromName(message id)). It owns the
// message's delivery: it hands the message to its provider at most once,
// serializes every status change, keeps the event log, and projects the
// current status onto the message's D1 row.
import { DurableObject } from "cloudflare:workers";
import { database } from "../db/client.ts";
import { messageForDelivery, writeStatus } from "../db/messages.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import type { MessageStatus as Status } from "../domain/message.ts";
import { canTransition, isDelivery } from "../domain/status.ts";
import { unixSeconds } from "../domain/ids.ts";
import { providerFor } from "../providers/index.ts";
import type { Receipt, ScheduledReport } from "../providers/provider.ts";
import { type DeliveryState, MessageStore } from "./message-store.ts";

/** Hand-off attempts before a message fails as provider_unavailable (the queue allows one more, for crashes). */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** A hand-off in flight for longer than this is taken to have died with its caller. */
export const HANDOFF_LEASE_MS = 30_000;
const D1_RETRY_MS = 5_000;

export type DeliveryOutcome = { action: "ack"; reason: string } | { action: "retry"; delaySeconds: number };
export type ReceiptOutcome = "applied" | "ignored" | "noted" | "unknown";

interface Change {
  source: string;
  errorCode?: string;
  errorMessage?: string;
  detail?: string;
}

export class MessageStatus extends DurableObject<Env> {
  private readonly store = new MessageStore(this.ctx.storage.sql);
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

    // Recorded before the call: a duplicate delivery arriving meanwhile sees it.
    state.handoffAttempts += 1;
    state.handoffStartedAt = now;
    this.store.saveState(state);

    const provider = providerFor(this.env, state.mode, state.channel);
    const result = state.rendered
      ? await provider.send({ messageId: state.messageId, to: state.to, from: state.from, content: state.rendered, attempt: state.handoffAttempts })
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
      return { action: "retry", delaySeconds: backoffSeconds(current.handoffAttempts, result.retryAfterSeconds) };
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
    if (!state || state.status !== "queued") return;
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

  async alarm(): Promise<void> {
    // Each timer is deleted as it is handled, and transitions are idempotent,
    // so an alarm that fires twice changes nothing the second time.
    for (const timer of this.store.dueTimers(Date.now())) {
      this.store.deleteTimer(timer.id);
      if (timer.kind === "report") {
        const report = timer.payload as unknown as ScheduledReport;
        await this.transition(report.status, { source: "sandbox", errorCode: report.errorCode, errorMessage: report.errorMessage });
      } else if (timer.kind === "project") {
        await this.project();
      }
    }
    await this.armAlarm();
  }

  private async loadFromD1(messageId: string): Promise<DeliveryState | null> {
    const row = await messageForDelivery(database(this.env.DB), messageId);
    if (!row) {
      console.error(JSON.stringify({ event: "delivery_for_unknown_message", message_id: messageId }));
      return null;
    }
    return this.store.initState({
      messageId: row.id,
      accountId: row.accountId,
      mode: row.mode,
      channel: row.channel,
      to: row.to,
      from: row.from,
      rendered: row.rendered,
      statusCallback: row.statusCallback,
      status: row.status as Status,
      handoffAttempts: 0,
      handoffStartedAt: null,
      handedOffAt: null,
      provider: null,
      providerMessageId: null,
      deliveredAt: row.deliveredAt,
      providerLatencyMs: row.providerLatencyMs,
      errorCode: row.errorCode,
      errorMessage: row.errorMessage,
    });
  }

  private scheduleReport(handedOffAt: number, report: ScheduledReport): void {
    this.store.addTimer("report", handedOffAt + report.afterMs, { ...report });
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
    this.store.addEvent("status.changed", { ...data, ...(change.errorCode ? { error: { code: change.errorCode, message: change.errorMessage ?? "" } } : {}) }, now);
    await this.project();
    await this.armAlarm();
    return true;
  }

  /** Writes the current status to D1; if D1 fails, a timer tries again until it succeeds. */
  private project(): Promise<void> {
    this.projection = this.projection.then(async () => {
      const state = this.store.state()!;
      try {
        await writeStatus(database(this.env.DB), state.messageId, {
          status: state.status,
          deliveredAt: state.deliveredAt,
          providerLatencyMs: state.providerLatencyMs,
          errorCode: state.errorCode,
          errorMessage: state.errorMessage,
        });
      } catch (error) {
        console.error(JSON.stringify({ event: "status_projection_failed", message_id: state.messageId, error: String(error) }));
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
