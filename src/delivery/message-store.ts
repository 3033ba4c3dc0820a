import type { Message } from "../domain/message.ts";
import type { Status } from "../domain/status.ts";
// The per-message Durable Object's own SQLite storage: the message's delivery
// state (one row), its event log, and its timers. All calls are synchronous,
// so a check and the write that follows it can never interleave with another request.

export interface DeliveryState {
  /** The D1 row as it was when delivery began; the fields below are what has changed since. */
  message: Message;
  status: Status;
  handoffAttempts: number;
  /** ms; set while a hand-off is in flight (a lease: a stale one means the caller died). */
  handoffStartedAt: number | null;
  /** ms; after a retryable failure, no new hand-off before this (whichever queue job asks). */
  retryNotBefore: number | null;
  /** ms; when the accepted hand-off began, the start of provider_latency_ms. */
  handedOffAt: number | null;
  provider: string | null;
  providerMessageId: string | null;
  deliveredAt: number | null;
  providerLatencyMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Set when the callback URL answered 410 Gone: no more webhooks for this message. */
  callbackGone: boolean;
}

/** A status-change event for the message's status_callback, delivered in order. */
export interface OutboxEvent {
  seq: number;
  eventId: string;
  type: string;
  body: string;
  attempts: number;
}

// Event data is JSON two levels deep at most (a recursive type would defeat RPC's type mapping).
type Scalar = string | number | boolean | null;
export type JsonObject = { [key: string]: Scalar | { [key: string]: Scalar } };

export interface StoredEvent {
  seq: number;
  at: number;
  type: string;
  data: JsonObject;
}

export interface Timer {
  id: number;
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

export class MessageStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS timers (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, due_at INTEGER NOT NULL, payload TEXT NOT NULL)`);
    sql.exec(
      `CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0)`,
    );
  }

  state(): DeliveryState | null {
    const row = this.sql.exec<{ json: string }>(`SELECT json FROM state WHERE id = 1`).toArray()[0];
    return row ? (JSON.parse(row.json) as DeliveryState) : null;
  }

  saveState(state: DeliveryState): void {
    this.sql.exec(`INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json`, JSON.stringify(state));
  }

  /** Saves and returns the state, or the one already stored if another request got there first. */
  initState(state: DeliveryState): DeliveryState {
    const existing = this.state();
    if (existing) return existing;
    this.saveState(state);
    return state;
  }

  addEvent(type: string, data: JsonObject, at = Date.now()): void {
    this.sql.exec(`INSERT INTO events (at, type, data) VALUES (?, ?, ?)`, at, type, JSON.stringify(data));
  }

  events(): StoredEvent[] {
    return this.sql
      .exec<{ seq: number; at: number; type: string; data: string }>(`SELECT seq, at, type, data FROM events ORDER BY seq`)
      .toArray()
      .map((row) => ({ ...row, data: JSON.parse(row.data) as JsonObject }));
  }

  addTimer(kind: string, dueAt: number, payload: Record<string, unknown>): void {
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

  hasTimer(kind: string): boolean {
    return this.sql.exec(`SELECT 1 FROM timers WHERE kind = ? LIMIT 1`, kind).toArray().length > 0;
  }

  addOutboxEvent(eventId: string, type: string, body: string): void {
    this.sql.exec(`INSERT INTO outbox (event_id, type, body) VALUES (?, ?, ?)`, eventId, type, body);
  }

  /** The oldest event not yet delivered or abandoned: the only one that may be sent now. */
  outboxHead(): OutboxEvent | null {
    const row = this.sql
      .exec<{ seq: number; event_id: string; type: string; body: string; attempts: number }>(
        `SELECT seq, event_id, type, body, attempts FROM outbox WHERE done = 0 ORDER BY seq LIMIT 1`,
      )
      .toArray()[0];
    return row ? { seq: row.seq, eventId: row.event_id, type: row.type, body: row.body, attempts: row.attempts } : null;
  }

  countOutboxAttempt(seq: number): void {
    this.sql.exec(`UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?`, seq);
  }

  /** Marks one event (or, with all=true, every pending one) as finished: delivered or abandoned. */
  finishOutbox(seq: number, all = false): void {
    if (all) this.sql.exec(`UPDATE outbox SET done = 1 WHERE done = 0`);
    else this.sql.exec(`UPDATE outbox SET done = 1 WHERE seq = ?`, seq);
  }

  /** Puts a finished event back in the outbox with a fresh retry schedule (a resend of an abandoned callback). */
  reopenOutbox(eventId: string): void {
    this.sql.exec(`UPDATE outbox SET done = 0, attempts = 0 WHERE event_id = ?`, eventId);
  }

  nextTimerDue(): number | null {
    const row = this.sql.exec<{ due: number | null }>(`SELECT MIN(due_at) AS due FROM timers`).toArray()[0];
    return row?.due ?? null;
  }
}
