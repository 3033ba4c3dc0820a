// What the message's Durable Object does when its alarm rings: every timer
// that is due (a projection or a webhook to retry, a hand-off the object
// makes itself, a scheduled message's send time, a fallback step's deadline),
// the sandbox's delivery reports, the check of its D1 row after a change, and
// the end of a waiting message's validity; then the alarm is set for what comes next.
import { EXPIRED, isExpired } from "../domain/failover.ts";
import type { Message } from "../domain/message.ts";
import { isDelivery, isTerminal } from "../domain/status.ts";
import { logger } from "../log.ts";
import type { DeliveryState } from "./delivery-state.ts";
import { type DeliveryOutcome, HANDOFF_LEASE_MS, MISSING_ROW_ATTEMPTS, MISSING_ROW_RETRY_SECONDS } from "./handoff-rules.ts";
import type { MessageStore, Timer } from "./message-store.ts";
import type { RowChecker } from "./row-check.ts";
import { type StatusChanges, waitsForHandOff } from "./status-change.ts";
import { PROJECTION_RETRY_MS, type StatusProjection } from "./status-projection.ts";
import { RECIPIENT_SUPPRESSED, SUPPRESSION_LIST } from "./suppression-feed.ts";
import type { WebhookOutbox } from "./webhook-outbox.ts";

/** What the alarm needs of the object itself. */
interface Host {
  deliver(messageId: string, attempt: number): Promise<DeliveryOutcome>;
  load(messageId: string, endpoints?: boolean): Promise<DeliveryState | null>;
  /** Whether the message's recipient, then each fallback step's, is suppressed now (the account's gate). */
  suppressed(message: Message): Promise<boolean[]>;
}

type Attempted = { messageId: string; attempt: number; endpoints?: boolean };

export class MessageAlarm {
  constructor(
    private readonly store: MessageStore,
    private readonly changes: StatusChanges,
    private readonly outbox: WebhookOutbox,
    private readonly projection: StatusProjection,
    private readonly rows: RowChecker,
    private readonly host: Host,
  ) {}

  async run(): Promise<void> {
    // Timers and reports are removed as they are handled and every handler is
    // idempotent, so an alarm that fires twice changes nothing the second
    // time. Failures are scheduled again by the handlers themselves.
    const due = this.store.dueTimers(Date.now());
    // Webhook endpoints' retries go out together: one endpoint's slow answer holds up no other.
    const endpointSends = due.filter((timer) => timer.kind === "endpoint");
    for (const timer of endpointSends) this.store.deleteTimer(timer.id);
    const endpoints = Promise.all(endpointSends.map((timer) => this.runTimer(timer)));
    for (const timer of due.filter((timer) => timer.kind !== "endpoint")) {
      this.store.deleteTimer(timer.id);
      await this.runTimer(timer);
    }
    await endpoints;
    const state = this.store.state();
    const [report, ...later] = state?.reports ?? [];
    if (state && report && report.dueAt <= Date.now()) {
      state.reports = later;
      const change = { source: "sandbox", errorCode: report.errorCode, errorMessage: report.errorMessage };
      await this.changes.step(state, report.step ?? state.step, report.status, change);
    } else if (this.store.pendingWebhook() && !this.store.hasTimer("webhook")) {
      // An inline attempt that died with the object.
      await this.outbox.sendNext();
    } else if (state && this.rows.due(state, Date.now())) {
      // The row's check, a while after the last change (row-check.ts).
      await this.rows.run();
    } else if (state && due.length === 0) {
      // Nothing was due: the safety ring of a projection whose send may have died with the object (PROJECTION_SAFETY_MS).
      await this.projection.write();
    }
    // An endpoint's inline attempt that died with the object.
    await this.outbox.endpoints.resume();
    const now = this.store.state();
    if (now && waitsForHandOff(now) && isExpired(now.message.expiresAt, Date.now())) {
      await this.changes.message(now, "expired", { source: "validity_period", ...EXPIRED });
    }
    await this.changes.armAlarm();
  }

  /** One due timer; a failure is tried again later. */
  private async runTimer(timer: Timer): Promise<void> {
    try {
      // "redact": a row redaction stored before redactions were projected; the projection carries it now.
      if (timer.kind === "project" || timer.kind === "redact") await this.projection.write();
      else if (timer.kind === "webhook") await this.outbox.sendNext();
      else if (timer.kind === "endpoint") await this.outbox.endpoints.sendNext(String(timer.payload.endpointId));
      else if (timer.kind === "redrive") await this.redriveDue(timer.payload as Attempted);
      else if (timer.kind === "send") await this.sendDue(timer.payload as Attempted);
      else if (timer.kind === "fallback") await this.fallbackDue(timer.payload as { step: number });
    } catch (error) {
      logger.with({ message_id: this.store.state()?.message.id }).error("timer_failed", { kind: timer.kind, error });
      this.store.addTimer(timer.kind, Date.now() + PROJECTION_RETRY_MS, timer.payload);
    }
  }

  /** A hand-off this object makes itself; its retries follow the same schedule a job's would. */
  private async redriveDue({ messageId, attempt }: Attempted): Promise<void> {
    // A job that got here first owns the message's retries (and duplicates would be harmless anyway).
    if (attempt === 1 && (this.store.state()?.handoffAttempts ?? 0) > 0) return;
    const outcome = await this.host.deliver(messageId, attempt);
    if (outcome.action === "retry") this.store.addTimer("redrive", Date.now() + outcome.delaySeconds * 1000, { messageId, attempt: attempt + 1 });
  }

  /** A scheduled message's send time: it is queued (no callback: it is not news) and handed off, unless it was canceled. */
  private async sendDue({ messageId, attempt, endpoints }: Attempted): Promise<void> {
    const loaded = this.store.state() ?? (await this.host.load(messageId, endpoints));
    if (!loaded) {
      // The create inserts the row while it arms this alarm: the row may not be there yet.
      if (attempt < MISSING_ROW_ATTEMPTS)
        this.store.addTimer("send", Date.now() + MISSING_ROW_RETRY_SECONDS * 1000, { messageId, attempt: attempt + 1, endpoints });
      return;
    }
    const before = await this.stillScheduled(loaded);
    if (!before) return;
    // A STOP (or a bounce) may have come since the create: checked again now, as the create checked it.
    const [own, ...steps] = await this.host.suppressed(before.message);
    // The gate's answer let other calls in (a cancel, a redrive): what is decided now is decided on the state as it is now.
    const state = await this.stillScheduled(loaded);
    if (!state) return;
    if (own) {
      await this.changes.message(state, "failed", { source: SUPPRESSION_LIST, ...RECIPIENT_SUPPRESSED });
      return;
    }
    for (const [i, suppressed] of steps.entries()) {
      const step = state.message.fallback?.[i];
      if (step && suppressed) step.suppressed = true;
    }
    await this.changes.message(state, "queued", { source: "send_at" }, { callback: false });
    await this.redriveDue({ messageId, attempt: 1 });
  }

  /**
   * The message's state read now (the stored one; `loaded`, read from D1, while none is stored), if it is still
   * scheduled and within its validity; a message whose validity ended waiting is expired here, and null returned.
   */
  private async stillScheduled(loaded: DeliveryState): Promise<DeliveryState | null> {
    const state = this.store.state() ?? loaded;
    if (state.status !== "scheduled") return null;
    if (!isExpired(state.message.expiresAt, Date.now())) return state;
    await this.changes.message(state, "expired", { source: "validity_period", ...EXPIRED });
    return null;
  }

  /** A step's fallback_after: not delivered by now, so the next step starts (the first may still deliver too). */
  private async fallbackDue({ step }: { step: number }): Promise<void> {
    const state = this.store.state();
    const attempt = state?.attempts[step];
    if (!state || !attempt || state.step !== step || isTerminal(state.status) || isDelivery(attempt.status)) return;
    if (state.handoffStartedAt !== null && Date.now() - state.handoffStartedAt < HANDOFF_LEASE_MS) {
      // Its hand-off is in flight: look again when it has had time to end.
      this.store.addTimer("fallback", Date.now() + PROJECTION_RETRY_MS, { step });
      return;
    }
    await this.changes.fallBack(state);
  }
}
