// The account's own events (suppression.created|deleted, sender.verified,
// endpoint.disabled), sent by its gate to the webhook endpoints subscribed to
// them, through the same outbox as a message's events (src/delivery/
// endpoint-outbox.ts, on the event log of src/delivery/message-store.ts, kept
// in the gate's own SQLite beside its daily counts): per endpoint in order,
// each with its own retries, on the gate's alarm. An event no enabled
// endpoint takes is not stored at all. The account's id and mode, which the
// outbox signs and checks URLs with, are kept with the first event.
import type { Database } from "../db/client.ts";
import { EndpointOutbox } from "../delivery/endpoint-outbox.ts";
import { INLINE_SAFETY_MS } from "../delivery/handoff-rules.ts";
import { MessageStore } from "../delivery/message-store.ts";
import type { Mode } from "../domain/account.ts";
import { subscribes } from "../domain/event-types.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import type { EndpointCache } from "./endpoints.ts";

/** An account event, as the change that caused it tells the gate (GateChange.event). */
export interface AccountEvent {
  accountId: string;
  type: string;
  /** The event's object (the suppression, the sender, the endpoint, as the API shows it), as JSON text. */
  data: string;
}

/** Events older than this (long past their last retry) are dropped from the gate's log. */
const KEEP_EVENTS_MS = 30 * 24 * 60 * 60 * 1000;
/** An event emitted once (batch.completed) is remembered this long: past the convergence pass's last check of a row (36 days). */
const KEEP_ONCE_MS = 40 * 24 * 60 * 60 * 1000;

export class AccountEvents {
  /** Made on first use: a gate whose account never has an event for an endpoint creates no table for them. */
  #made: { store: MessageStore; outbox: EndpointOutbox } | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
    private readonly db: Database,
    private readonly endpoints: EndpointCache,
  ) {}

  get #store(): MessageStore {
    return this.#parts().store;
  }

  get #outbox(): EndpointOutbox {
    return this.#parts().outbox;
  }

  #parts() {
    if (this.#made) return this.#made;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS account_event_owner (id INTEGER PRIMARY KEY CHECK (id = 1), account_id TEXT NOT NULL, mode TEXT NOT NULL)`);
    // A row per event: the account's log grows for 30 days (KEEP_EVENTS_MS) before it is pruned.
    const store = new MessageStore(this.sql, "table");
    const outbox = new EndpointOutbox(store, this.env, this.db, {
      describe: () => ({ ...this.#owner(), messageId: null }),
      // An endpoint answering 410 to an account event ends that event's queue only: the next event asks again.
      gone: () => {},
      rearm: () => this.armAlarm(),
    });
    this.#made = { store, outbox };
    return this.#made;
  }

  /**
   * Records the event unless one with the same `key` was recorded before (in the last KEEP_ONCE_MS): the claim is
   * taken before the first await, so two calls with one key never both record, and given back if recording fails.
   */
  async recordOnce(key: string, event: AccountEvent, modeOf: () => Promise<Mode | null>): Promise<void> {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS account_event_once (key TEXT PRIMARY KEY, at INTEGER NOT NULL)`);
    const now = Date.now();
    this.sql.exec(`DELETE FROM account_event_once WHERE at < ?`, now - KEEP_ONCE_MS);
    if (this.sql.exec(`INSERT INTO account_event_once (key, at) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, now).rowsWritten === 0) return;
    try {
      await this.record(event, modeOf);
    } catch (error) {
      this.sql.exec(`DELETE FROM account_event_once WHERE key = ?`, key);
      throw error;
    }
  }

  /** Stores the event for each enabled endpoint subscribed to its type, and makes their first attempts (not waited for). */
  async record(event: AccountEvent, modeOf: () => Promise<Mode | null>): Promise<void> {
    const subscribed = (await this.endpoints.subscriptions(event.accountId)).filter((endpoint) => subscribes(endpoint.events, event.type));
    if (subscribed.length === 0) return;
    const mode = await modeOf();
    if (!mode) return;
    this.#parts();
    this.sql.exec(
      `INSERT INTO account_event_owner (id, account_id, mode) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET mode = excluded.mode`,
      event.accountId,
      mode,
    );
    const now = Date.now();
    const eventId = newId("evt");
    const body = JSON.stringify({ id: eventId, object: "event", type: event.type, created_at: unixSeconds(now), data: JSON.parse(event.data) as unknown });
    const webhook = { eventId, type: event.type, body, callback: false as const, endpoints: subscribed.map((endpoint) => endpoint.id) };
    this.#store.addEvents([{ type: event.type, data: { event_id: eventId }, at: now, webhook }]);
    await this.storage.setAlarm(now + INLINE_SAFETY_MS);
    this.#outbox.startAfterChange(webhook);
  }

  /** The gate's alarm: the endpoints' retries that are due, queues whose attempt died with the gate, old events dropped. */
  async alarm(): Promise<void> {
    const due = this.#store.dueTimers(Date.now()).filter((timer) => timer.kind === "endpoint");
    for (const timer of due) this.#store.deleteTimer(timer.id);
    await Promise.allSettled(due.map((timer) => this.#outbox.sendNext(String(timer.payload.endpointId))));
    await this.#outbox.resume();
    this.sql.exec(`DELETE FROM events WHERE at < ?`, Date.now() - KEEP_EVENTS_MS);
    await this.armAlarm();
  }

  /** The alarm, set for the next retry (or an attempt in flight's safety ring); none when nothing is pending. */
  async armAlarm(): Promise<void> {
    const dues = [this.#store.nextTimerDue()].filter((due) => due !== null);
    for (const id of this.#store.pendingEndpoints()) {
      if (!this.#store.hasEndpointTimer(id)) dues.push(Date.now() + (this.#outbox.inFlight(id) ? INLINE_SAFETY_MS : 0));
    }
    if (dues.length > 0) await this.storage.setAlarm(Math.min(...dues));
    else await this.storage.deleteAlarm();
  }

  /** The account's events, for the delivery log's retry of one of them. */
  requeue(endpointId: string, eventId: string): boolean {
    return this.#outbox.requeue(endpointId, eventId, "api", Date.now());
  }

  #owner(): { accountId: string; mode: Mode } {
    const [row] = this.sql.exec<{ account_id: string; mode: Mode }>(`SELECT account_id, mode FROM account_event_owner WHERE id = 1`).toArray();
    return { accountId: row!.account_id, mode: row!.mode };
  }
}
