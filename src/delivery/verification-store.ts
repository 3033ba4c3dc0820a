// The verification Durable Object's own SQLite storage: its state (one row,
// with the code's hash and, while needed, the sealed code), and the outbox of its
// signed verification.* events for its status_callback, sent oldest first,
// and the events still to hand to the account's gate (its webhook endpoints). All calls are synchronous,
// so a check and the write that follows it never interleave.
import type { Verification } from "../domain/verification.ts";

export interface VerificationState {
  verification: Verification;
  codeHash: string;
  /**
   * The code sealed (AES-GCM, src/domain/verification-code.ts), for a resend
   * to send the same code: never stored in clear. Dropped when the
   * verification ends, except in test mode, where the test helper may read it
   * (GET /v1/test_helpers/verifications/:id/code).
   */
  sealedCode: string | null;
  /** ms: a send reserved by a resend and not yet recorded (a second resend waits for it). */
  sendReservedAt: number | null;
  /** The row's version last written to D1, and whether the current one still has to be (a failed write). */
  version: number;
  rowDue: boolean;
  /** The callback answered 410 Gone or can no longer be used: no more events are sent. */
  callbackGone: boolean;
  /** Each check, for the Console (ms, and whether the code was right); absent in a state stored before checks were kept. */
  checks?: { at: number; valid: boolean }[];
}

export interface OutboxEvent {
  seq: number;
  eventId: string;
  type: string;
  body: string;
  attempts: number;
  /** ms: not before this (a retry's time). */
  nextAt: number;
}

export class VerificationStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, outcome TEXT)",
    );
    sql.exec("CREATE TABLE IF NOT EXISTS gate_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, data TEXT NOT NULL)");
  }

  state(): VerificationState | null {
    const row = this.sql.exec<{ json: string }>("SELECT json FROM state WHERE id = 1").toArray()[0];
    return row ? (JSON.parse(row.json) as VerificationState) : null;
  }

  save(state: VerificationState): void {
    this.sql.exec("INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json", JSON.stringify(state));
  }

  addEvent(eventId: string, type: string, body: string, now: number): void {
    this.sql.exec("INSERT INTO outbox (event_id, type, body, next_at) VALUES (?, ?, ?, ?)", eventId, type, body, now);
  }

  /** An event for the account's webhook endpoints, kept until the account's gate has taken it. */
  addGateEvent(type: string, data: string): void {
    this.sql.exec("INSERT INTO gate_events (type, data) VALUES (?, ?)", type, data);
  }

  /** The events the gate has not taken yet, oldest first. */
  gateEvents(): { seq: number; type: string; data: string }[] {
    return this.sql.exec<{ seq: number; type: string; data: string }>("SELECT seq, type, data FROM gate_events ORDER BY seq").toArray();
  }

  gateEventTaken(seq: number): void {
    this.sql.exec("DELETE FROM gate_events WHERE seq = ?", seq);
  }

  /** The oldest event not yet delivered or given up on: the only one that may be sent now. */
  pending(): OutboxEvent | null {
    const row = this.sql
      .exec<{ seq: number; event_id: string; type: string; body: string; attempts: number; next_at: number }>(
        "SELECT seq, event_id, type, body, attempts, next_at FROM outbox WHERE outcome IS NULL ORDER BY seq LIMIT 1",
      )
      .toArray()[0];
    return row ? { seq: row.seq, eventId: row.event_id, type: row.type, body: row.body, attempts: row.attempts, nextAt: row.next_at } : null;
  }

  /** One attempt's result: `outcome` ends the event (delivered, abandoned, disabled); without one it is retried at `nextAt`. */
  recordAttempt(seq: number, outcome: string | null, nextAt: number): void {
    this.sql.exec("UPDATE outbox SET attempts = attempts + 1, outcome = ?, next_at = ? WHERE seq = ?", outcome, nextAt, seq);
  }

  /** Every event still queued ends with `outcome`, unsent (the callback is gone). */
  endQueued(outcome: string): void {
    this.sql.exec("UPDATE outbox SET outcome = ? WHERE outcome IS NULL", outcome);
  }

  /** The events as sent, oldest first (tests and the Console read them). */
  events(): { eventId: string; type: string; body: string; attempts: number; outcome: string | null }[] {
    return this.sql
      .exec<{ event_id: string; type: string; body: string; attempts: number; outcome: string | null }>(
        "SELECT event_id, type, body, attempts, outcome FROM outbox ORDER BY seq",
      )
      .toArray()
      .map((row) => ({ eventId: row.event_id, type: row.type, body: row.body, attempts: row.attempts, outcome: row.outcome }));
  }
}
