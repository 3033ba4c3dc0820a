// The control database's webhook endpoint tables (issue 27): an account's
// endpoints and the log of their deliveries. Part of the control schema
// (drizzle.config.ts lists this file beside control-schema.ts).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { WebhookDelivery, WebhookEndpoint } from "../domain/webhook-endpoint.ts";

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    // we_ + UUIDv7 (hex).
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    // Event types from src/domain/event-types.ts, or ["*"].
    enabledEvents: text("enabled_events", { mode: "json" }).notNull().$type<string[]>(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, string>>(),
    // The endpoint's own signing secret; after a roll the old one signs too until it expires.
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: integer("previous_secret_expires_at"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    // "manual" (POST /:id with disabled: true) or "failing" (5 days of failed deliveries).
    disabledReason: text("disabled_reason", { enum: ["manual", "failing"] }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_account_id_idx").on(t.accountId, t.id)],
);

// One row per delivery attempt to an endpoint, kept 30 days (src/services/retention.ts).
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    // whd_ + UUIDv7 (hex): in creation order.
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    // The Standard Webhooks webhook-id: the same on every attempt of this event to this endpoint.
    webhookId: text("webhook_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    messageId: text("message_id"),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms"),
    outcome: text("outcome", { enum: ["delivered", "retry_scheduled", "abandoned", "disabled"] }).notNull(),
    error: text("error"),
    nextRetryAt: integer("next_retry_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("webhook_deliveries_endpoint_idx").on(t.accountId, t.endpointId, t.id), index("webhook_deliveries_created_at_idx").on(t.createdAt)],
);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesDomain: [Same<typeof webhookEndpoints.$inferSelect, WebhookEndpoint>, Same<typeof webhookDeliveries.$inferSelect, WebhookDelivery>] = [
  true,
  true,
];
void schemaMatchesDomain;
