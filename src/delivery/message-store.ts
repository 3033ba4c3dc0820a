// The per-message Durable Object's own SQLite storage: the message's delivery
// state (one row), its event log, and its retry timers. The event log doubles
// as the webhook outbox: a status change that has a callback carries its
// signed event's body, and the webhook.attempt events that follow it say
// whether it is still pending, so no fact is written twice. All calls are
// synchronous, so a check and the write that follows it never interleave.
import type { Account } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { Attempt } from "../domain/delivery-controls.ts";
import type { Message } from "../domain/message.ts";
import type { Status } from "../domain/status.ts";
import type { EndpointSubscription } from "../domain/webhook-endpoint.ts";
import type { Receipt, ScheduledReport } from "../providers/provider.ts";

/** An account's webhook signing secrets, as the outbox holds them in memory (never in storage). */
export type SigningSecrets = Pick<Account, "webhookSecret" | "previousWebhookSecret" | "previousWebhookSecretExpiresAt"> & {
  /** ms: when they were read from D1. */
  readAt: number;
};

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
  /** The provider's own id of the sender (Meta's phone-number id), from the message's row. */
  fromId: string | null;
  deliveredAt: number | null;
  providerLatencyMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** The sandbox's delivery reports still to come, each due at `dueAt` (ms), about the hand-off of step `step`. */
  reports: (ScheduledReport & { dueAt: number; step?: number })[];
  /** Provider reports that came while a hand-off's call was open, applied once its answer is recorded (absent in older states). */
  heldReports?: Receipt[];
  /** Set when the callback URL answered 410 Gone or can no longer be used: no more webhooks for this message. */
  callbackGone: boolean;
  /** The step being tried: 0 is the message itself, then each fallback step (src/domain/failover.ts). */
  step: number;
  /** One per step started, with its hand-off: a late report of an earlier step finds its attempt by the provider's id. */
  attempts: AttemptRecord[];
  deliveredChannel: Channel | null;
  /**
   * The check of the D1 row (row-check.ts), set with each change's own state write: at `at` (ms) the row must
   * show projection_seq `seq` or newer (a seq taken before the change's send); `tries` counts failed checks.
   * Absent or null: nothing to check.
   */
  rowCheck?: RowCheck | null;
  /** The account's enabled webhook endpoints when the message's object first loaded it (absent: none); one answering 410 is removed. */
  endpoints?: EndpointSubscription[];
}

interface RowCheck {
  seq: number;
  at: number;
  tries?: number;
}

export type AttemptRecord = Attempt & { provider: string | null; provider_message_id: string | null; handed_off_at: number | null };

/** The attempts as the message object shows them. */
export function publicAttempts(records: AttemptRecord[]): Attempt[] {
  return records.map(({ provider: _, provider_message_id: __, handed_off_at: ___, ...attempt }) => attempt);
}

/** A message's state when its object first reads it from D1 (stored with its first change). */
export function initialState(message: Message, fromId: string | null, endpoints: EndpointSubscription[] = []): DeliveryState {
  return {
    ...(endpoints.length > 0 ? { endpoints } : {}),
    message,
    status: message.status,
    handoffAttempts: 0,
    handoffStartedAt: null,
    retryNotBefore: null,
    handedOffAt: null,
    provider: null,
    providerMessageId: null,
    fromId,
    deliveredAt: message.deliveredAt,
    providerLatencyMs: message.providerLatencyMs,
    errorCode: message.errorCode,
    errorMessage: message.errorMessage,
    reports: [],
    callbackGone: false,
    step: 0,
    attempts: [],
    deliveredChannel: message.deliveredChannel,
  };
}

/** A state stored before delivery controls, given their fields: a hand-off on record is step 0's attempt. */
function withControls(state: DeliveryState): DeliveryState {
  if (state.attempts) return state;
  const { message, status, provider, providerMessageId, handedOffAt } = state;
  const attempt = {
    channel: message.channel,
    to: message.to,
    from: message.from,
    status,
    error: null,
    provider_latency_ms: null,
    created_at: message.createdAt,
  };
  const attempts = providerMessageId === null ? [] : [{ ...attempt, provider, provider_message_id: providerMessageId, handed_off_at: handedOffAt }];
  return { ...state, step: 0, attempts, deliveredChannel: null };
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

/** A signed status event for the callback, and for the webhook endpoints subscribed to its type. */
export interface WebhookEvent {
  eventId: string;
  type: string;
  body: string;
  /** false: for the endpoints alone (the message has no callback, or this is an endpoint's retry). */
  callback?: false;
  /** The webhook endpoints it goes to, each in its own order with its own retries (absent: none). */
  endpoints?: string[];
}

export interface NewEvent {
  type: string;
  data: JsonObject;
  at: number;
  webhook?: WebhookEvent | null;
}

export interface Timer {
  id: number;
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

/** A webhook.attempt outcome after which its event is no longer pending. */
const FINISHED = "('delivered', 'abandoned', 'disabled')";

export class MessageStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)`);
    // Objects created before the event log doubled as the outbox gain its column.
    const columns = sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('events')`).toArray();
    if (!columns.some((column) => column.name === "webhook")) sql.exec(`ALTER TABLE events ADD COLUMN webhook TEXT`);
    sql.exec(
      `CREATE TABLE IF NOT EXISTS timers (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, due_at INTEGER NOT NULL, payload TEXT NOT NULL DEFAULT '{}')`,
    );
  }

  state(): DeliveryState | null {
    const row = this.sql.exec<{ json: string }>(`SELECT json FROM state WHERE id = 1`).toArray()[0];
    return row ? withControls(JSON.parse(row.json) as DeliveryState) : null;
  }

  saveState(state: DeliveryState): void {
    this.sql.exec(`INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json`, JSON.stringify(state));
  }

  /** Appends events in one statement. */
  addEvents(events: NewEvent[]): void {
    if (events.length === 0) return;
    const values = events.flatMap((event) => [event.at, event.type, JSON.stringify(event.data), event.webhook ? JSON.stringify(event.webhook) : null]);
    this.sql.exec(`INSERT INTO events (at, type, data, webhook) VALUES ${events.map(() => "(?, ?, ?, ?)").join(", ")}`, ...values);
  }

  events(): StoredEvent[] {
    return this.sql
      .exec<{ seq: number; at: number; type: string; data: string }>(`SELECT seq, at, type, data FROM events ORDER BY seq`)
      .toArray()
      .map((row) => ({ ...row, data: JSON.parse(row.data) as JsonObject }));
  }

  /**
   * The oldest webhook event not yet delivered or abandoned to `endpointId`
   * (null: the status_callback), the only one that may be sent there now, with
   * its attempts so far: those logged after its row (a resent event has a row
   * of its own).
   */
  pendingWebhook(endpointId: string | null = null): (WebhookEvent & { attempts: number }) | null {
    const sameTarget = endpointId === null ? "json_extract(a.data, '$.endpoint_id') IS NULL" : "json_extract(a.data, '$.endpoint_id') = ?";
    const attemptOf = `a.type = 'webhook.attempt' AND a.seq > e.seq AND json_extract(a.data, '$.event_id') = json_extract(e.webhook, '$.eventId') AND ${sameTarget}`;
    const goesThere =
      endpointId === null
        ? "coalesce(json_extract(e.webhook, '$.callback'), 1) <> 0"
        : "EXISTS (SELECT 1 FROM json_each(e.webhook, '$.endpoints') j WHERE j.value = ?)";
    const bindings = endpointId === null ? [] : [endpointId, endpointId, endpointId];
    const row = this.sql
      .exec<{ webhook: string; attempts: number }>(
        `SELECT e.webhook, (SELECT COUNT(*) FROM events a WHERE ${attemptOf}) AS attempts
         FROM events e
         WHERE e.webhook IS NOT NULL AND ${goesThere}
           AND NOT EXISTS (SELECT 1 FROM events a WHERE ${attemptOf} AND json_extract(a.data, '$.outcome') IN ${FINISHED})
         ORDER BY e.seq LIMIT 1`,
        ...bindings,
      )
      .toArray()[0];
    return row ? { ...(JSON.parse(row.webhook) as WebhookEvent), attempts: row.attempts } : null;
  }

  /** The endpoints that have an event still to send (each one's queue is sent in order, apart from the others). */
  pendingEndpoints(): string[] {
    const rows = this.sql
      .exec<{ id: string }>(`SELECT DISTINCT j.value AS id FROM events e, json_each(e.webhook, '$.endpoints') j WHERE e.webhook IS NOT NULL`)
      .toArray();
    return rows.map((row) => row.id).filter((id) => this.pendingWebhook(id) !== null);
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
    const row = this.sql
      .exec<{ webhook: string }>(`SELECT webhook FROM events WHERE json_extract(webhook, '$.eventId') = ? ORDER BY seq LIMIT 1`, eventId)
      .toArray()[0];
    return row ? (JSON.parse(row.webhook) as WebhookEvent) : null;
  }

  /** Rewrites every stored callback's body in place (redaction): the events keep their order and ids. */
  rewriteWebhookBodies(rewrite: (body: string) => string): void {
    const rows = this.sql.exec<{ seq: number; webhook: string }>(`SELECT seq, webhook FROM events WHERE webhook IS NOT NULL`).toArray();
    for (const row of rows) {
      const webhook = JSON.parse(row.webhook) as WebhookEvent;
      this.sql.exec(`UPDATE events SET webhook = ? WHERE seq = ?`, JSON.stringify({ ...webhook, body: rewrite(webhook.body) }), row.seq);
    }
  }

  nextTimerDue(): number | null {
    const row = this.sql.exec<{ due: number | null }>(`SELECT MIN(due_at) AS due FROM timers`).toArray()[0];
    return row?.due ?? null;
  }
}
