// D1 schema. Migrations in migrations/ are generated from this file by
// `npm run db:generate` (drizzle-kit); never edit them by hand.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { RenderedContent } from "../domain/rendered.ts";

export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  mode: text("mode", { enum: ["test", "live"] }).notNull(),
  webhookSecret: text("webhook_secret").notNull(),
  // After a roll, the old secret keeps signing (beside the new one) until it expires.
  previousWebhookSecret: text("previous_webhook_secret"),
  previousWebhookSecretExpiresAt: integer("previous_webhook_secret_expires_at"),
  createdAt: integer("created_at").notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    // The visible start of the key (e.g. "sk_test_v2_1a2b3c4d"): what lists
    // and revocations show, and how a presented key finds its row.
    prefix: text("prefix").notNull(),
    // SHA-256 (hex) of the whole key; the key itself is never stored.
    hash: text("hash").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_prefix_idx").on(t.prefix)],
);

export const messages = sqliteTable(
  "messages",
  {
    // msg_ + UUIDv7 (hex): sorting by id is sorting by creation time.
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    mode: text("mode", { enum: ["test", "live"] }).notNull(),
    channel: text("channel", { enum: ["sms", "whatsapp", "email"] }).notNull(),
    to: text("to").notNull(),
    from: text("from").notNull(),
    // The content as the request gave it (returned by the API)...
    content: text("content", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    // ...and as it is sent to the provider (see src/domain/rendered.ts).
    rendered: text("rendered", { mode: "json" }).$type<RenderedContent>(),
    status: text("status").notNull().default("queued"),
    statusCallback: text("status_callback"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    createdAt: integer("created_at").notNull(),
    deliveredAt: integer("delivered_at"),
    providerLatencyMs: integer("provider_latency_ms"),
    updatedAt: integer("updated_at")
      .notNull()
      .default(sql`(unixepoch())`),
  },
  (t) => [index("messages_account_id_idx").on(t.accountId, t.id)],
);

export type AccountRow = typeof accounts.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type NewMessageRow = typeof messages.$inferInsert;
