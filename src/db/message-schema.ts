// A message database's schema (every MESSAGES_DB_N): the messages and the
// Idempotency-Key records of the accounts homed there. Migrations in
// migrations/messages are generated from this file by `npm run db:generate`
// (drizzle-kit) and applied to every message database by `npm run db:migrate`.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Attempt, FallbackStep } from "../domain/delivery-controls.ts";
import type { Message } from "../domain/message.ts";
import type { Metadata } from "../domain/metadata.ts";
import type { RenderedContent } from "../domain/rendered.ts";
import { CONTENT_RETENTIONS } from "../domain/retention.ts";
import type { Status } from "../domain/status.ts";
import type { VerificationSend, VerificationStatus, VerificationStep } from "../domain/verification.ts";
import type { Locale } from "../domain/verification-text.ts";

// A WITHOUT ROWID table (migrations/messages/0009_messages_without_rowid.sql,
// written by hand: drizzle-kit cannot say WITHOUT ROWID): the rows are stored
// in id order in the primary key itself, so an insert writes no separate
// primary-key index entry (D1 bills each entry as a row written). A migration
// drizzle-kit generates that rebuilds this table would drop WITHOUT ROWID and
// the hand-written triggers: rebuild it by hand, as 0009 does, with the
// triggers as the latest migration leaves them (0010 changed the insert ones).
// test/messages/list-indexes.happy.test.ts counts the rows an insert writes.
export const messages = sqliteTable(
  "messages",
  {
    // msg_ + UUIDv7 (hex): sorting by id is sorting by creation time, and
    // created_at is the id's own timestamp, so a created_at range is an id
    // range (see listMessages).
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    mode: text("mode", { enum: ["test", "live"] }).notNull(),
    // Rows from before inbound messages existed were all sent by the API.
    direction: text("direction", { enum: ["outbound", "inbound"] })
      .notNull()
      .default("outbound"),
    channel: text("channel", { enum: ["sms", "whatsapp", "email"] }).notNull(),
    to: text("to").notNull(),
    from: text("from").notNull(),
    // The content as the request gave it (returned by the API)...
    content: text("content", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    // ...and as it is sent to the provider (see src/domain/rendered.ts).
    rendered: text("rendered", { mode: "json" }).$type<RenderedContent>(),
    status: text("status").$type<Status>().notNull().default("queued"),
    statusCallback: text("status_callback"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    createdAt: integer("created_at").notNull(),
    deliveredAt: integer("delivered_at"),
    providerLatencyMs: integer("provider_latency_ms"),
    // discard: content and rendered are emptied once the message is final (src/delivery/redaction.ts).
    contentRetention: text("content_retention", { enum: CONTENT_RETENTIONS }).notNull().default("retain"),
    redactedAt: integer("redacted_at"),
    // Last change of the row; for a queued message, when it was last handed
    // to the Queue (the reconciler re-enqueues it when this gets old).
    updatedAt: integer("updated_at").notNull().default(sql`(unixepoch())`),
    // SMS: the rendered text's encoding and segment count, computed at create; null on other channels.
    encoding: text("encoding", { enum: ["gsm7", "ucs2"] }),
    segments: integer("segments"),
    // Delivery controls (src/domain/delivery-controls.ts); null when the create asked for none.
    fallback: text("fallback", { mode: "json" }).$type<FallbackStep[]>(),
    fallbackAfter: integer("fallback_after"),
    sendAt: integer("send_at"),
    expiresAt: integer("expires_at"),
    // Projected by the message's Durable Object with its status.
    attempts: text("attempts", { mode: "json" }).$type<Attempt[]>(),
    deliveredChannel: text("delivered_channel", { enum: ["sms", "whatsapp", "email"] }),
    // The customer's own keys (src/domain/metadata.ts), null when none; each
    // key is also a row of message_metadata, written by a trigger, for filters.
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
    // The batch that created the message (POST /v1/messages/batch), or null.
    batchId: text("batch_id"),
    // The sender's provider id (Meta's phone-number id), as the create picked
    // it: the delivery reads the message's own database alone.
    fromId: text("from_id"),
    // The message object's count of its projections: a projection applies only
    // over an older one (the projection queue delivers out of order and twice).
    projectionSeq: integer("projection_seq").notNull().default(0),
    // Price and usage (src/domain/price-message.ts): the recipient's country,
    // the API key that created it, its price in ten-thousandths of price_unit
    // and each step's price by the card at create. Null: inbound, or unpriced.
    country: text("country"),
    apiKeyId: text("api_key_id"),
    price: integer("price"),
    priceUnit: text("price_unit"),
    priceStatus: text("price_status", { enum: ["estimated", "final"] }),
    stepPrices: text("step_prices", { mode: "json" }).$type<(number | null)[]>(),
  },
  (t) => [
    // Every list filter is an equality on (account_id, <column>) then the id
    // order, so each has its index that also serves the keyset pagination.
    // D1 bills each index entry an insert or update writes as a row written,
    // so each index here is one that a filter needs (docs/scale.md).
    index("messages_account_id_idx").on(t.accountId, t.id),
    // Every status but queued: a message is created queued, so its insert
    // writes no entry here (its entry is in messages_queued_idx), and its
    // first projection moves it here. A query uses this index only with the
    // literal term `status <> 'queued'` (src/db/status-filter.ts).
    index("messages_account_status_idx").on(t.accountId, t.status, t.id).where(sql`${t.status} <> 'queued'`),
    index("messages_account_channel_idx").on(t.accountId, t.channel, t.id),
    index("messages_account_to_idx").on(t.accountId, t.to, t.id),
    // Only the (few) inbound rows: direction=inbound reads them here, and
    // direction=outbound, nearly every row, reads (account_id, id) and skips
    // the few inbound ones; an outbound insert writes no entry here.
    index("messages_account_inbound_idx").on(t.accountId, t.id).where(sql`${t.direction} = 'inbound'`),
    // Only the rows a batch created: a message sent alone adds no entry.
    index("messages_account_batch_idx").on(t.accountId, t.batchId, t.id).where(sql`${t.batchId} IS NOT NULL`),
    // Only the (few) queued rows, for two readers: a list's status=queued
    // (account_id and status, then id order: with status in the key SQLite
    // prefers it to (account_id, id)) and the reconciler, which reads the
    // whole index each minute (covering: id and updated_at are in it) for the
    // rows untouched past their grace. A projection takes the row out of it,
    // which D1 does not bill (a removed entry is no row written).
    index("messages_queued_idx").on(t.accountId, t.status, t.id, t.updatedAt).where(sql`${t.status} = 'queued'`),
    // Only the scheduled rows: the reconciler's look for a send time that passed without its alarm.
    index("messages_scheduled_idx").on(t.sendAt).where(sql`${t.status} = 'scheduled'`),
  ],
);

// Where a rollup row's figures come from, part of both rollup tables' keys:
// the shard the messages were created on (their ids' last 4 hex digits), so a
// read counts on each database only the messages it holds for the account
// (during a shard move the target's copies are counted there from the flip
// on, the source's until then); and whether they are the archive's (the
// archive took the rows out of D1 and left their usage here, which a move
// carries to the target itself since no trigger will).
const rollupOrigin = () => ({
  // The id's shard suffix; "" for figures from before the rollups had it (counted wherever they are).
  bornOn: text("born_on").notNull(),
  // 1: messages the archive moved out of D1 (src/db/archive.ts), no longer moved by the triggers.
  archived: integer("archived").notNull().default(0),
});

// Usage, kept as messages change: each outbound message counted once under
// its creation day, channel, country, API key and current status, with its
// segments and price (ten-thousandths of price_unit). Kept by triggers on
// messages (appended by hand to the migration that made this table), so every
// write of a row (the create's insert, a status projection, a shard move's
// copy and delete, retention) moves its figures in the same statement: the
// rollups equal a sum over the rows at all times. GET /v1/usage sums them.
export const usageRollups = sqliteTable(
  "usage_rollups",
  {
    accountId: text("account_id").notNull(),
    // YYYY-MM-DD, UTC.
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    // "" for none (email, or a number of no country): part of the key, which cannot hold a null.
    country: text("country").notNull(),
    apiKeyId: text("api_key_id").notNull(),
    status: text("status").notNull(),
    priceUnit: text("price_unit").notNull(),
    ...rollupOrigin(),
    count: integer("count").notNull().default(0),
    segments: integer("segments").notNull().default(0),
    price: integer("price").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.day, t.channel, t.country, t.apiKeyId, t.status, t.priceUnit, t.bornOn, t.archived] })],
);

// Set for the length of one projection batch or batch create's inserts
// (src/db/usage-fold.ts), and only inside its transaction, so no other writer
// ever sees it: the rollups' update and insert triggers stand aside while it
// is set, as the batch moves the figures of all its rows itself, one upsert
// per group instead of one or two per row.
export const usageFold = sqliteTable("usage_fold", {
  id: integer("id").primaryKey(),
});

// Usage by metadata key: the same figures as usage_rollups, for each key and
// value of each outbound message that has metadata (none for one without),
// kept by triggers as usage_rollups is. GET /v1/usage?group_by=metadata[key]
// reads one key's groups; messages without the key are the rest of usage_rollups.
export const usageMetadataRollups = sqliteTable(
  "usage_metadata_rollups",
  {
    accountId: text("account_id").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    day: text("day").notNull(),
    channel: text("channel").notNull(),
    country: text("country").notNull(),
    status: text("status").notNull(),
    priceUnit: text("price_unit").notNull(),
    ...rollupOrigin(),
    count: integer("count").notNull().default(0),
    segments: integer("segments").notNull().default(0),
    price: integer("price").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key, t.value, t.day, t.channel, t.country, t.status, t.priceUnit, t.bornOn, t.archived] })],
);

// Verifications (issue 25), one row per verification on its account's message
// database, for lists: each row is the projection of its verification's
// Durable Object (src/delivery/verifier.ts), which alone changes
// it; `version` orders the writes. Never the code or its hash. WITHOUT ROWID
// (by hand, migrations/messages/0009_messages_without_rowid.sql), as messages.
export const verifications = sqliteTable(
  "verifications",
  {
    // vrf_ + UUIDv7 (hex), ending in its shard as message ids do.
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    mode: text("mode", { enum: ["test", "live"] }).notNull(),
    to: text("to").notNull(),
    status: text("status").$type<VerificationStatus>().notNull(),
    steps: text("steps", { mode: "json" }).notNull().$type<VerificationStep[]>(),
    sends: text("sends", { mode: "json" }).notNull().$type<VerificationSend[]>(),
    codeLength: integer("code_length").notNull(),
    locale: text("locale").$type<Locale>().notNull(),
    checkAttemptsRemaining: integer("check_attempts_remaining").notNull(),
    statusCallback: text("status_callback"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [
    index("verifications_account_id_idx").on(t.accountId, t.id),
    index("verifications_account_status_idx").on(t.accountId, t.status, t.id),
    index("verifications_account_to_idx").on(t.accountId, t.to, t.id),
  ],
);

// The metadata filter's index: one row per key of a message that has
// metadata (none for one without), written and deleted with its message by
// the triggers appended to the migration that made this table (0003), so
// every insert and delete of a message (a create, a batch, a shard move's
// copy and delete, retention) keeps it, with no statement of its own. The
// primary key is the one index: a filter on key=value reads its message ids
// in id order (the list's order) from it. WITHOUT ROWID (by hand, in
// migrations/messages/0009_messages_without_rowid.sql): the rows are the
// primary key, so a key of a message writes one row, not a row and its key.
export const messageMetadata = sqliteTable(
  "message_metadata",
  {
    accountId: text("account_id").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    messageId: text("message_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key, t.value, t.messageId] })],
);

// Idempotency-Key records: the first request's response, replayed on retries.
// A row whose response_status is null (and whose message_id, if any, names no
// message yet) is a claim still in flight.
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    accountId: text("account_id").notNull(),
    key: text("key").notNull(),
    // SHA-256 of the method, path and canonical parameters of the request.
    fingerprint: text("fingerprint").notNull(),
    // Random per claim: only the request holding the claim completes or releases it.
    lockToken: text("lock_token"),
    lockedAt: integer("locked_at"),
    responseStatus: integer("response_status"),
    responseContentType: text("response_content_type"),
    responseBody: text("response_body"),
    // For POST /v1/messages, the id of the message the claiming request
    // creates: its response is that message as created, so the message row,
    // once it exists, is the stored response (one D1 write fewer per create).
    messageId: text("message_id"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] }), index("idempotency_keys_expires_at_idx").on(t.expiresAt)],
);

// Where each message database's convergence pass (src/delivery/convergence.ts)
// has got to, per check age: the id (creation order) up to which it has
// compared the rows of that age with their objects.
export const convergeCursors = sqliteTable("converge_cursors", {
  // The check's age in seconds: a row is compared with its object when it is this old.
  ageSeconds: integer("age_seconds").primaryKey(),
  throughId: text("through_id").notNull(),
});

// A copy of each account's webhook signing secrets on every message database
// its messages are created on, so that signing a status callback reads the
// message's own database, not the one control database every message shares.
// Written when a roll happens and on a miss (read through from the control
// database); a copy older than COPY_TRUST_SECONDS (src/delivery/signing-secrets.ts)
// is read through again, which bounds a copy a failed roll left stale.
export const accountSecrets = sqliteTable("account_secrets", {
  accountId: text("account_id").primaryKey(),
  webhookSecret: text("webhook_secret").notNull(),
  previousWebhookSecret: text("previous_webhook_secret"),
  previousWebhookSecretExpiresAt: integer("previous_webhook_secret_expires_at"),
  copiedAt: integer("copied_at").notNull(),
});

/** Columns the pipeline keeps for itself, beside the message the API shows. */
type StorageOnly = "fromId" | "projectionSeq";

// The table stores the domain's record exactly: a column that drifts from it
// (a type, a null) fails the type check here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesDomain: Same<Omit<typeof messages.$inferSelect, StorageOnly>, Message> = true;
void schemaMatchesDomain;

/** A message row to insert in tests' and tools' own set-ups (status and updated_at default). */
export type NewMessageRow = typeof messages.$inferInsert;
