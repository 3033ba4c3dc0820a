// A message object's event log: its events' types, their stored form
// (message-store.ts keeps the log as a JSON array in the object's one row),
// how events are appended in the statement that writes a change, and the fold
// of an object stored before that layout, whose state and log had tables of
// their own.
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

/**
 * An event as the log stores it: its seq is its place in the log (from 1). A webhook event sent again (re-queued)
 * keeps no second copy of its body: the row holds every event, and a row is at most 2 MB.
 */
export type LoggedEvent = Omit<NewEvent, "webhook"> & { webhook?: Omit<WebhookEvent, "body"> & { body?: string } };

/** An event's stored form: the webhook only when there is one, and its body only the first time it is logged. */
function logged({ webhook, ...event }: NewEvent, carried: Set<string>): LoggedEvent {
  if (!webhook) return event;
  if (!carried.has(webhook.eventId)) return { ...event, webhook };
  const { body: _, ...reference } = webhook;
  return { ...event, webhook: reference };
}

/** The JSON path arguments that append each of `events` to the log (json_insert's '$[#]'); `carried`: the event ids whose body the log holds. */
export function appended(events: NewEvent[], carried: Set<string>): { paths: string; values: string[] } {
  return { paths: events.map(() => ", '$[#]', json(?)").join(""), values: events.map((event) => JSON.stringify(logged(event, carried))) };
}

/**
 * An object stored before the one-row layout keeps its state and its log in
 * tables of their own: folded into the row once, the first time it runs now.
 */
export function foldOldTables(sql: SqlStorage): void {
  const old = sql.exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('state', 'events')`).toArray();
  if (old.length < 2) return;
  const hasWebhook = sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('events') WHERE name = 'webhook'`).toArray().length > 0;
  const webhook = hasWebhook ? "json(webhook)" : "NULL";
  sql.exec(
    `INSERT INTO message (id, state, events) VALUES (1, (SELECT json FROM state WHERE id = 1),
       (SELECT json_group_array(json_patch(json_object('at', at, 'type', type, 'data', json(data)), json_object('webhook', ${webhook})))
        FROM (SELECT * FROM events ORDER BY seq)))
     ON CONFLICT (id) DO NOTHING`,
  );
  sql.exec(`DROP TABLE state`);
  sql.exec(`DROP TABLE events`);
}
