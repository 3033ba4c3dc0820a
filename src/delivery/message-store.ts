// The per-message Durable Object's own SQLite storage: the message's delivery
// state (one row), its event log, and its timers. All calls are synchronous,
// so a check and the write that follows it can never interleave with another request.
import type { MessageRow } from "../db/schema.ts";
import type { MessageStatus } from "../domain/message.ts";

export interface DeliveryState {
  messageId: string;
  accountId: string;
  mode: MessageRow["mode"];
  channel: MessageRow["channel"];
  to: string;
  from: string;
  rendered: MessageRow["rendered"];
  statusCallback: string | null;
  status: MessageStatus;
  handoffAttempts: number;
  /** ms; set while a hand-off is in flight (a lease: a stale one means the caller died). */
  handoffStartedAt: number | null;
  /** ms; when the accepted hand-off began, the start of provider_latency_ms. */
  handedOffAt: number | null;
  provider: string | null;
  providerMessageId: string | null;
  deliveredAt: number | null;
  providerLatencyMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
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
      .exec<{ id: number; kind: string; due_at: number; payload: string }>(`SELECT id, kind, due_at, payload FROM timers WHERE due_at <= ? ORDER BY due_at, id`, now)
      .toArray()
      .map((row) => ({ id: row.id, kind: row.kind, dueAt: row.due_at, payload: JSON.parse(row.payload) as Record<string, unknown> }));
  }

  deleteTimer(id: number): void {
    this.sql.exec(`DELETE FROM timers WHERE id = ?`, id);
  }

  nextTimerDue(): number | null {
    const row = this.sql.exec<{ due: number | null }>(`SELECT MIN(due_at) AS due FROM timers`).toArray()[0];
    return row?.due ?? null;
  }
}
