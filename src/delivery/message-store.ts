// The per-message Durable Object's own SQLite storage: one row holding the
// message's delivery state and its event log (a JSON array), and its retry
// timers. A change writes its new state and its events in one statement, one
// row: Cloudflare bills an object's storage by rows written. The event log
// doubles as the webhook outbox: a status change that has a callback carries
// its signed event's body, and the webhook.attempt events that follow it say
// whether it is still pending, so no fact is written twice. All calls are
// synchronous, so a check and the write that follows it never interleave.
import { type DeliveryState, withControls } from "./delivery-state.ts";
import { appended, foldOldTables, type JsonObject, type LoggedEvent, type NewEvent, type StoredEvent, type WebhookEvent } from "./message-log.ts";

export interface Timer {
  id: number;
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

/** A webhook.attempt outcome after which its event is no longer pending. */
const FINISHED = new Set(["delivered", "abandoned", "disabled"]);

/**
 * Where the log lives. "row": a message's object, whose log is short (a few changes and their callbacks' attempts):
 * the state and the log share one row, so a change is one row written. "table": the account's gate, whose log of
 * account events grows for 30 days before it is pruned (src/gate/account-events.ts): a row per event, since one row
 * would outgrow SQLite's 2 MB and be rewritten whole on every event.
 */
type LogLayout = "row" | "table";

export class MessageStore {
  /**
   * The state of a hand-off whose provider call is open (holdState): in memory only, newer than the stored one,
   * and gone with the next write, which stores it (or its successor) anyway.
   */
  private held: string | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly layout: LogLayout = "row",
  ) {
    if (layout === "row") {
      // One row holds the state and the event log (a JSON array), so a change is one row written: its new state
      // and its events together. Cloudflare bills storage by rows written, and a row of the log was one more each.
      sql.exec(`CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT, events TEXT NOT NULL DEFAULT '[]')`);
      foldOldTables(sql);
    } else {
      sql.exec(
        `CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, webhook TEXT)`,
      );
    }
    sql.exec(
      `CREATE TABLE IF NOT EXISTS timers (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, due_at INTEGER NOT NULL, payload TEXT NOT NULL DEFAULT '{}')`,
    );
  }

  state(): DeliveryState | null {
    if (this.held !== null) return JSON.parse(this.held) as DeliveryState;
    const row = this.sql.exec<{ state: string | null }>(`SELECT state FROM message`).toArray()[0];
    return row?.state ? withControls(JSON.parse(row.state) as DeliveryState) : null;
  }

  saveState(state: DeliveryState): void {
    this.sql.exec(`INSERT INTO message (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state`, JSON.stringify(state));
    this.held = null;
  }

  /**
   * A hand-off's lease, kept in memory and not written: every request to this instance sees it, so a copy of the
   * job arriving while the provider call is open sends nothing. An instance that dies mid-call dies with the call,
   * whose answer no write could have kept either: a state that never recorded the call is then what a restart
   * finds, and the next job (same step, same idempotency key) makes the call again at once. The answer's change
   * writes it all (attempt, count, provider id) in its one row; a row a hand-off wrote before the call was read by
   * nothing but a restart, where it only held the retry back for the lease's 30 s.
   */
  holdState(state: DeliveryState): void {
    this.held = JSON.stringify(state);
  }

  /** Appends events in one write. */
  addEvents(events: NewEvent[]): void {
    if (events.length === 0) return;
    const { paths, values } = appended(events, this.carried(events));
    if (this.layout === "table") {
      const rows = values.map((value) => JSON.parse(value) as LoggedEvent);
      this.sql.exec(
        `INSERT INTO events (at, type, data, webhook) VALUES ${rows.map(() => "(?, ?, ?, ?)").join(", ")}`,
        ...rows.flatMap((row) => [row.at, row.type, JSON.stringify(row.data), row.webhook ? JSON.stringify(row.webhook) : null]),
      );
      return;
    }
    this.sql.exec(
      `INSERT INTO message (id, events) VALUES (1, json_array(${values.map(() => "json(?)").join(", ")}))
       ON CONFLICT (id) DO UPDATE SET events = json_insert(events${paths})`,
      ...values,
      ...values,
    );
  }

  /** A change: its new state and its events, in one write (one row). */
  commit(state: DeliveryState, events: NewEvent[]): void {
    const { paths, values } = appended(events, this.carried(events));
    this.sql.exec(
      `INSERT INTO message (id, state, events) VALUES (1, ?, json_array(${values.map(() => "json(?)").join(", ")}))
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, events = json_insert(events${paths})`,
      JSON.stringify(state),
      ...values,
      ...values,
    );
    this.held = null;
  }

  /** The ids of the webhook events among `events` whose body the log holds already (read only when one has a webhook). */
  private carried(events: NewEvent[]): Set<string> {
    if (!events.some((event) => event.webhook)) return new Set();
    return new Set(this.log().flatMap((event) => (event.webhook?.body === undefined ? [] : [event.webhook.eventId])));
  }

  /** A logged webhook with its body, which a re-queued event takes from the first event that logged it. */
  private withBody(webhook: NonNullable<LoggedEvent["webhook"]>, log: LoggedEvent[]): WebhookEvent {
    if (webhook.body !== undefined) return webhook as WebhookEvent;
    const body = log.find((event) => event.webhook?.eventId === webhook.eventId && event.webhook.body !== undefined)?.webhook?.body ?? "";
    return { ...webhook, body };
  }

  /** The log as stored, oldest first. */
  private log(): (LoggedEvent & { seq: number })[] {
    if (this.layout === "table") {
      return this.sql
        .exec<{ seq: number; at: number; type: string; data: string; webhook: string | null }>(`SELECT seq, at, type, data, webhook FROM events ORDER BY seq`)
        .toArray()
        .map(({ webhook, data, ...event }) => ({
          ...event,
          data: JSON.parse(data) as JsonObject,
          ...(webhook ? { webhook: JSON.parse(webhook) as WebhookEvent } : {}),
        }));
    }
    const row = this.sql.exec<{ events: string }>(`SELECT events FROM message`).toArray()[0];
    return row ? (JSON.parse(row.events) as LoggedEvent[]).map((event, i) => ({ ...event, seq: i + 1 })) : [];
  }

  events(): StoredEvent[] {
    return this.log().map(({ seq, at, type, data }) => ({ seq, at, type, data }));
  }

  /**
   * The oldest webhook event not yet delivered or abandoned to `endpointId`
   * (null: the status_callback), the only one that may be sent there now, with
   * its attempts so far: those logged after its row (a resent event has a row
   * of its own).
   */
  pendingWebhook(endpointId: string | null = null): (WebhookEvent & { attempts: number }) | null {
    const log = this.log();
    for (const [i, event] of log.entries()) {
      const webhook = event.webhook;
      if (!webhook || !(endpointId === null ? webhook.callback !== false : (webhook.endpoints ?? []).includes(endpointId))) continue;
      const attempts = log
        .slice(i + 1)
        .filter((later) => later.type === "webhook.attempt" && later.data.event_id === webhook.eventId && (later.data.endpoint_id ?? null) === endpointId);
      if (!attempts.some((attempt) => FINISHED.has(String(attempt.data.outcome)))) return { ...this.withBody(webhook, log), attempts: attempts.length };
    }
    return null;
  }

  /** The endpoints that have an event still to send (each one's queue is sent in order, apart from the others). */
  pendingEndpoints(): string[] {
    const ids = new Set(this.log().flatMap((event) => event.webhook?.endpoints ?? []));
    return [...ids].filter((id) => this.pendingWebhook(id) !== null);
  }

  addTimer(kind: string, dueAt: number, payload: Record<string, unknown> = {}): void {
    this.sql.exec(`INSERT INTO timers (kind, due_at, payload) VALUES (?, ?, ?)`, kind, dueAt, JSON.stringify(payload));
  }

  dueTimers(now: number): Timer[] {
    return this.sql
      .exec<{ id: number; kind: string; due_at: number; payload: string }>(
        `SELECT id, kind, due_at, payload FROM timers WHERE due_at <= ? ORDER BY due_at, id`,
        now,
      )
      .toArray()
      .map((row) => ({ id: row.id, kind: row.kind, dueAt: row.due_at, payload: JSON.parse(row.payload) as Record<string, unknown> }));
  }

  deleteTimer(id: number): void {
    this.sql.exec(`DELETE FROM timers WHERE id = ?`, id);
  }

  deleteTimers(kind: string): void {
    this.sql.exec(`DELETE FROM timers WHERE kind = ?`, kind);
  }

  hasTimer(kind: string): boolean {
    return this.sql.exec(`SELECT 1 FROM timers WHERE kind = ? LIMIT 1`, kind).toArray().length > 0;
  }

  /** Whether a retry of this endpoint's queue is scheduled ("endpoint" timers carry the endpoint's id). */
  hasEndpointTimer(endpointId: string): boolean {
    return this.sql.exec(`SELECT 1 FROM timers WHERE kind = 'endpoint' AND json_extract(payload, '$.endpointId') = ? LIMIT 1`, endpointId).toArray().length > 0;
  }

  /** The signed event of the status change that carries this webhook event id. */
  webhookEvent(eventId: string): WebhookEvent | null {
    const log = this.log();
    const webhook = log.find((event) => event.webhook?.eventId === eventId)?.webhook;
    return webhook ? this.withBody(webhook, log) : null;
  }

  /** Rewrites every stored callback's body in place (redaction): the events keep their order and ids. */
  rewriteWebhookBodies(rewrite: (body: string) => string): void {
    const log = this.log();
    if (!log.some((event) => event.webhook?.body !== undefined)) return;
    const rewritten = log.map((event) =>
      event.webhook?.body === undefined ? event : { ...event, webhook: { ...event.webhook, body: rewrite(event.webhook.body) } },
    );
    this.sql.exec(`UPDATE message SET events = ?`, JSON.stringify(rewritten));
  }

  nextTimerDue(): number | null {
    const row = this.sql.exec<{ due: number | null }>(`SELECT MIN(due_at) AS due FROM timers`).toArray()[0];
    return row?.due ?? null;
  }
}
