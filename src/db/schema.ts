// D1 schema. Migrations in migrations/ are generated from this file by
// `npm run db:generate` (drizzle-kit); never edit them by hand.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Account } from "../domain/account.ts";
import type { ApiKey } from "../domain/api-key.ts";
import type { Attempt, FallbackStep } from "../domain/delivery-controls.ts";
import type { BlockableNumberType, GeoOverrides } from "../domain/geo.ts";
import type { Message } from "../domain/message.ts";
import type { RenderedContent } from "../domain/rendered.ts";
import { CONTENT_RETENTIONS } from "../domain/retention.ts";
import type { Sender } from "../domain/sender.ts";
import type { Status } from "../domain/status.ts";
import type { Suppression } from "../domain/suppression.ts";
import type { EmailBody, SmsBody, Template, WhatsappBody } from "../domain/template.ts";

export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  mode: text("mode", { enum: ["test", "live"] }).notNull(),
  webhookSecret: text("webhook_secret").notNull(),
  // After a roll, the old secret keeps signing (beside the new one) until it expires.
  previousWebhookSecret: text("previous_webhook_secret"),
  previousWebhookSecretExpiresAt: integer("previous_webhook_secret_expires_at"),
  createdAt: integer("created_at").notNull(),
  // Per-account overrides of the defaults in src/domain/limits.ts (null: the
  // default), set with `npm run keys -- limits`.
  rateLimitRps: integer("rate_limit_rps"),
  dailyMessageLimit: integer("daily_message_limit"),
  // Where inbound messages are posted as message.received (POST /v1/account).
  inboundCallback: text("inbound_callback"),
  // Country permissions that differ from the defaults (src/domain/geo.ts), set with POST /v1/geo_permissions.
  geoPermissions: text("geo_permissions", { mode: "json" }).$type<GeoOverrides>(),
  // Number types the operator allowed for this account (`npm run keys -- number-types`); null: none.
  allowedNumberTypes: text("allowed_number_types", { mode: "json" }).$type<BlockableNumberType[]>(),
  // POST /v1/account: messages per recipient per hour (null: no limit), and days messages are kept (null: the default).
  recipientLimitPerHour: integer("recipient_limit_per_hour"),
  retentionDays: integer("retention_days"),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    // The visible start of the key (e.g. "sk_test_v3_1a2b3c4d"): what lists
    // and revocations show, and how a presented key finds its row.
    prefix: text("prefix").notNull(),
    // SHA-256 (hex) of the whole key; the key itself is never stored.
    hash: text("hash").notNull(),
    // What the owner calls it in the Console ("production backend").
    name: text("name").notNull().default(""),
    // sending_access keys may only create messages (a leaked one cannot read or change anything).
    permission: text("permission", { enum: ["full_access", "sending_access"] })
      .notNull()
      .default("full_access"),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
    // Written at most once a minute per key (src/http/auth.ts), never on every request.
    lastUsedAt: integer("last_used_at"),
    // Set by a roll: the old key keeps working until then, so callers can switch without downtime.
    expiresAt: integer("expires_at"),
  },
  (t) => [index("api_keys_prefix_idx").on(t.prefix), index("api_keys_account_id_idx").on(t.accountId, t.id)],
);

// Console users: people who sign in to an account's Console by email.
export const consoleUsers = sqliteTable(
  "console_users",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    // Lower-cased: mail addresses compare case-insensitively in practice.
    email: text("email").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("console_users_account_email_idx").on(t.accountId, t.email), index("console_users_email_idx").on(t.email)],
);

// One-time sign-in links. Only the token's SHA-256 is stored, so a database
// read does not hand out sign-ins.
export const consoleLinks = sqliteTable("console_links", {
  tokenHash: text("token_hash").primaryKey(),
  userId: text("user_id").notNull(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
});

// Console sessions, stored by the SHA-256 of the cookie's token.
export const consoleSessions = sqliteTable("console_sessions", {
  tokenHash: text("token_hash").primaryKey(),
  userId: text("user_id").notNull(),
  accountId: text("account_id").notNull(),
  createdAt: integer("created_at").notNull(),
  // Refreshed at most once a minute; the idle expiry counts from it.
  lastSeenAt: integer("last_seen_at").notNull(),
});

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
  },
  (t) => [
    // Every list filter is an equality on (account_id, <column>) then the id
    // order, so each has its index that also serves the keyset pagination.
    index("messages_account_id_idx").on(t.accountId, t.id),
    index("messages_account_status_idx").on(t.accountId, t.status, t.id),
    index("messages_account_channel_idx").on(t.accountId, t.channel, t.id),
    index("messages_account_to_idx").on(t.accountId, t.to, t.id),
    index("messages_account_direction_idx").on(t.accountId, t.direction, t.id),
    // Only the (few) queued rows: what the reconciler scans every minute.
    index("messages_queued_idx").on(t.updatedAt).where(sql`${t.status} = 'queued'`),
    // Only the scheduled rows: the reconciler's look for a send time that passed without its alarm.
    index("messages_scheduled_idx").on(t.sendAt).where(sql`${t.status} = 'scheduled'`),
  ],
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

export const templates = sqliteTable(
  "templates",
  {
    accountId: text("account_id").notNull(),
    // Chosen by the caller (e.g. "auth_otp"), unique within the account.
    id: text("id").notNull(),
    // One body per channel the template supports; null where it has none.
    sms: text("sms", { mode: "json" }).$type<SmsBody>(),
    whatsapp: text("whatsapp", { mode: "json" }).$type<WhatsappBody>(),
    email: text("email", { mode: "json" }).$type<EmailBody>(),
    // The content_retention of messages sent with it that do not say their own.
    contentRetention: text("content_retention", { enum: CONTENT_RETENTIONS }).notNull().default("retain"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // The key doubles as the index that lists an account's templates by id.
  (t) => [primaryKey({ columns: [t.accountId, t.id] })],
);

export const senders = sqliteTable(
  "senders",
  {
    // snd_ + UUIDv7 (hex), like message ids.
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    channel: text("channel", { enum: ["sms", "whatsapp", "email"] }).notNull(),
    // E.164 number or alphanumeric id (sms, whatsapp), or a lower-cased email address.
    address: text("address").notNull(),
    // Meta's id of the WhatsApp business number that sends for `address`.
    phoneNumberId: text("phone_number_id"),
    // Email display name: the message's from is "name <address>".
    name: text("name"),
    // Part of the channel's default pool, used when a message omits `from`.
    isDefault: integer("is_default", { mode: "boolean" }).notNull(),
    // A row that says nothing is never sendable: the migration that added
    // this column left live senders pending until proven (test ones: sandbox).
    status: text("status", { enum: ["sandbox", "pending_verification", "verified", "operator_bound"] })
      .notNull()
      .default("pending_verification"),
    // Email: the token its domain's TXT record must carry.
    verificationToken: text("verification_token"),
    // SMS/WhatsApp: SHA-256 of the one-time code sent to the number (never the code).
    verificationCodeHash: text("verification_code_hash"),
    verificationExpiresAt: integer("verification_expires_at"),
    verificationAttempts: integer("verification_attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // One sender per address and channel; also how a create finds its sender or pool.
    uniqueIndex("senders_account_channel_address_idx").on(t.accountId, t.channel, t.address),
    index("senders_account_id_idx").on(t.accountId, t.id),
    // A proven live address, and a WhatsApp number's id, belong to one account
    // at most. Pending claims are not held here: a claim must not block the
    // address's owner from proving it. (Literals, as SQLite's partial indexes need.)
    uniqueIndex("senders_bound_address_idx").on(t.channel, t.address).where(sql`${t.status} IN ('verified', 'operator_bound')`),
    uniqueIndex("senders_bound_phone_number_id_idx")
      .on(t.phoneNumberId)
      .where(sql`${t.status} IN ('verified', 'operator_bound') AND ${t.phoneNumberId} IS NOT NULL`),
  ],
);

// Recipients an account must not message (src/domain/suppression.ts).
export const suppressions = sqliteTable(
  "suppressions",
  {
    // sup_ + UUIDv7 (hex).
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    channel: text("channel", { enum: ["sms", "whatsapp", "email"] }).notNull(),
    // E.164, or a lower-cased email address.
    address: text("address").notNull(),
    reason: text("reason", { enum: ["opt_out", "hard_bounce", "complaint", "manual"] }).notNull(),
    sourceMessageId: text("source_message_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // One per recipient; also how a create's check finds it.
    uniqueIndex("suppressions_account_channel_address_idx").on(t.accountId, t.channel, t.address),
    // The list, and its filters, by keyset on the id.
    index("suppressions_account_id_idx").on(t.accountId, t.id),
    index("suppressions_account_reason_idx").on(t.accountId, t.reason, t.id),
    index("suppressions_account_address_idx").on(t.accountId, t.address, t.id),
  ],
);

// Replies already stored, by the provider's id of the message: a provider
// that retries its webhook (Meta does, for days) must not store a reply twice.
export const inboundReceipts = sqliteTable(
  "inbound_receipts",
  {
    provider: text("provider", { enum: ["twilio", "whatsapp"] }).notNull(),
    providerMessageId: text("provider_message_id").notNull(),
    // The inbound message the reply is stored as.
    messageId: text("message_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerMessageId] })],
);

// The tables store the domain's records exactly: a column that drifts from
// its record (a type, a null) fails the type check here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemaMatchesDomain = [
  Same<typeof accounts.$inferSelect, Account>,
  Same<typeof messages.$inferSelect, Message>,
  Same<typeof templates.$inferSelect, Template>,
  Same<typeof senders.$inferSelect, Sender>,
  Same<typeof apiKeys.$inferSelect, ApiKey>,
  Same<typeof suppressions.$inferSelect, Suppression>,
] extends [true, true, true, true, true, true]
  ? true
  : never;
const schemaMatchesDomain: SchemaMatchesDomain = true;
void schemaMatchesDomain;

/** A message row to insert in tests' and tools' own set-ups (status and updated_at default). */
export type NewMessageRow = typeof messages.$inferInsert;
