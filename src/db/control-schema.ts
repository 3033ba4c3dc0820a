// The control database's schema (CONTROL_DB): accounts and everything they
// own except messages, and the shard map. Migrations in migrations/control are
// generated from this file by `npm run db:generate` (drizzle-kit); never edit
// them by hand. Messages live in the message databases: message-schema.ts.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Account } from "../domain/account.ts";
import type { ApiKey } from "../domain/api-key.ts";
import type { StoredBatchItems } from "../domain/batch.ts";
import type { BlockableNumberType, GeoOverrides } from "../domain/geo.ts";
import type { Placement } from "../domain/placement.ts";
import { RATE_KINDS, type Rate } from "../domain/price.ts";
import { CONTENT_RETENTIONS } from "../domain/retention.ts";
import type { Sender } from "../domain/sender.ts";
import type { UsageAlert } from "../domain/spend.ts";
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
  // POST /v1/account: verifications per destination prefix per hour, the Verify API's pumping guard (null: the default).
  verificationPrefixLimitPerHour: integer("verification_prefix_limit_per_hour"),
  // Which message databases hold the account's messages and take its new ones
  // (src/domain/placement.ts); set when the account is created, changed by
  // `npm run shards`. Null: shard 0 alone (accounts made before sharding).
  placement: text("placement", { mode: "json" }).$type<Placement>(),
  // POST /v1/account: spend limits per UTC day and month in ten-thousandths of
  // the account's currency (null: none), and its usage alerts (src/domain/spend.ts).
  spendLimitDaily: integer("spend_limit_daily"),
  spendLimitMonthly: integer("spend_limit_monthly"),
  usageAlerts: text("usage_alerts", { mode: "json" }).$type<UsageAlert[]>(),
});

// The rate card (`npm run rates`): the operator's default card (account_id
// "") and per-account overrides, each price in ten-thousandths of its
// currency per SMS segment, MMS, WhatsApp message (per category) or email,
// for a country or for any ("*"). See src/domain/price.ts.
export const rates = sqliteTable(
  "rates",
  {
    accountId: text("account_id").notNull().default(""),
    kind: text("kind", { enum: RATE_KINDS }).notNull(),
    country: text("country").notNull().default("*"),
    category: text("category").notNull().default(""),
    price: integer("price").notNull(),
    currency: text("currency").notNull(),
  },
  // The key doubles as the index that loads an account's card with the default one.
  (t) => [primaryKey({ columns: [t.accountId, t.kind, t.country, t.category] })],
);

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
  Same<typeof templates.$inferSelect, Template>,
  Same<typeof senders.$inferSelect, Sender>,
  Same<typeof apiKeys.$inferSelect, ApiKey>,
  Same<typeof suppressions.$inferSelect, Suppression>,
  Same<typeof rates.$inferSelect, Rate>,
] extends [true, true, true, true, true, true]
  ? true
  : never;
const schemaMatchesDomain: SchemaMatchesDomain = true;
void schemaMatchesDomain;

// Batches (POST /v1/messages/batch): one row per batch, in the control
// database so that a shard move of the account leaves it where it is; its
// messages (each with batch_id) are on the account's message databases, and
// its counts per status are read from them.
export const batches = sqliteTable(
  "batches",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    createdAt: integer("created_at").notNull(),
    validation: text("validation", { enum: ["strict", "permissive"] }).notNull(),
    // The batch-level metadata (each message stores it merged under its own); null when none.
    metadata: text("metadata", { mode: "json" }).$type<Record<string, string>>(),
    // A batch created with an Idempotency-Key: its answer's ids and item errors (domain/batch.ts); null without a key.
    items: text("items", { mode: "json" }).$type<StoredBatchItems>(),
  },
  (t) => [index("batches_account_id_idx").on(t.accountId, t.id)],
);
