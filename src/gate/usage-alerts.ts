// Usage alerts' events, posted from the account's gate: when a create's spend
// passes an alert's threshold (once per window, spend-store.ts), a signed
// `usage.threshold_reached` event is stored here (gate storage, prefix
// spend_) and posted to the alert's url from the gate's alarm, signed with the
// account's secret (Standard Webhooks) and retried on the status callbacks'
// schedule (src/delivery/webhooks.ts). Stored before it is sent, so a gate
// evicted mid-send posts it on its next alarm: at least once.

import { attemptWebhook, retryDelaySeconds, signedHeaders, signingSecrets } from "../delivery/webhooks.ts";
import type { Account } from "../domain/account.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import { formatAmount } from "../domain/price.ts";
import { type Spent, type UsageAlert, windowOf } from "../domain/spend.ts";
import { logger } from "../log.ts";

export const USAGE_THRESHOLD_REACHED = "usage.threshold_reached";

/** A stored event; attempts: made so far. (A type, not an interface: SqlStorage rows need its index signature.) */
type Pending = { id: string; url: string; body: string; attempts: number; due_at: number };

/** What an alert's event says: the alert, its window and what was spent in it. */
export function thresholdData(alert: UsageAlert, spent: Spent, currency: string | null, now: number) {
  return {
    object: "usage_alert" as const,
    window: alert.window,
    period: windowOf(alert.window, now),
    threshold: formatAmount(alert.threshold),
    spent: formatAmount(spent[alert.window]),
    price_unit: currency,
    url: alert.url,
  };
}

/** The event posted to the alert's url. */
function thresholdEvent(alert: UsageAlert, spent: Spent, currency: string | null, now: number) {
  return {
    id: newId("evt"),
    object: "event" as const,
    type: USAGE_THRESHOLD_REACHED,
    created_at: unixSeconds(now),
    data: thresholdData(alert, spent, currency, now),
  };
}

export class UsageAlertOutbox {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS spend_alert_outbox (id TEXT PRIMARY KEY, url TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL, due_at INTEGER NOT NULL)",
    );
  }

  /** Stores the events of the alerts fired, due now. */
  add(fired: readonly UsageAlert[], spent: Spent, currency: string | null, now: number): void {
    for (const alert of fired) {
      const event = thresholdEvent(alert, spent, currency, now);
      this.sql.exec("INSERT INTO spend_alert_outbox (id, url, body, attempts, due_at) VALUES (?, ?, ?, 0, ?)", event.id, alert.url, JSON.stringify(event), now);
    }
  }

  /** When the next event is due (ms), or null. */
  nextDue(): number | null {
    const [row] = this.sql.exec<{ due: number | null }>("SELECT min(due_at) AS due FROM spend_alert_outbox").toArray();
    return row?.due ?? null;
  }

  /** Posts every due event once: delivered (or 410 Gone) removes it, a failure schedules its retry, the last one gives up. */
  async deliverDue(account: Account, now: number): Promise<void> {
    const due = this.sql.exec<Pending>("SELECT id, url, body, attempts, due_at FROM spend_alert_outbox WHERE due_at <= ?", now).toArray();
    for (const event of due) {
      const result = await attemptWebhook(event.url, signedHeaders(signingSecrets(account), event.id, event.body), event.body);
      const attempts = event.attempts + 1;
      const delay = result.outcome === "failed" ? retryDelaySeconds(attempts, result.retryAfterSeconds) : null;
      if (delay === null) {
        if (result.outcome === "failed") logger.warn("usage_alert_abandoned", { account_id: account.id, event_id: event.id, http_status: result.httpStatus });
        this.sql.exec("DELETE FROM spend_alert_outbox WHERE id = ?", event.id);
      } else {
        this.sql.exec("UPDATE spend_alert_outbox SET attempts = ?, due_at = ? WHERE id = ?", attempts, Date.now() + delay * 1000, event.id);
      }
    }
  }
}
