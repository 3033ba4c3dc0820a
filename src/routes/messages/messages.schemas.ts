import { z } from "@hono/zod-openapi";
import { normalizeRecipient } from "../../domain/address.ts";
import { idPattern } from "../../domain/ids.ts";
import { channelSchema, contentShapes } from "../../domain/message.ts";
import { METADATA_LIMITS, metadataFilter } from "../../domain/metadata.ts";
import { CONTENT_RETENTIONS } from "../../domain/retention.ts";
import { STATUSES } from "../../domain/status.ts";
import { asOpenApiSchema, listSchema, paginationQuery } from "../../http/openapi-schemas.ts";
import { priceFields, smsSizeFields } from "./preview.schemas.ts";

// Examples follow the API reference, with ids and cursors in their real format.
const EXAMPLE_ID = "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f";

export const MessageSchema = z
  .object({
    id: z.string().openapi({ example: EXAMPLE_ID }),
    object: z.literal("message"),
    direction: z.enum(["outbound", "inbound"]).openapi({ description: "outbound: created through the API; inbound: a reply to one of your numbers" }),
    channel: z.enum(["sms", "whatsapp", "email"]).openapi({ example: "whatsapp" }),
    to: z.string().openapi({ example: "+919876543210" }),
    from: z.string().openapi({ example: "omni_verify" }),
    // Documented by its shapes; required (a bare custom schema would read as optional).
    // null once redacted; typed for the document by hand (a custom schema has no type of its own).
    content: z
      .custom<Record<string, unknown> | null>((value) => value !== undefined)
      .openapi({
        type: ["object", "null"],
        anyOf: [...contentShapes("output").map(asOpenApiSchema), { type: "null" }],
        description: "The content as given; null once the message is redacted (content_retention discard, or POST /v1/messages/:id/redact)",
        example: { template_id: "auth_otp", variables: { code: "849201" } },
      }),
    content_retention: z.enum(CONTENT_RETENTIONS).openapi({ description: "discard: the content is removed once the message is final" }),
    redacted_at: z.number().int().nullable().openapi({ description: "Unix seconds: when the content was removed", example: null }),
    status: z.enum(STATUSES),
    status_callback: z.string().nullable().openapi({ example: "https://your-app.com/webhooks/omniflow" }),
    created_at: z.number().int().openapi({ description: "Unix seconds", example: 1718329481 }),
    delivered_at: z.number().int().nullable().openapi({ description: "Unix seconds", example: 1718329484 }),
    provider_latency_ms: z.number().int().nullable().openapi({ example: 1420 }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    ...smsSizeFields,
    mms_fallback_applied: z.boolean().nullable().openapi({
      description:
        "true when the SMS's files (content[media]) went as links in its text (content[mms_fallback] link, to a number without MMS); false otherwise; null once the content is removed",
      example: false,
    }),
    fallback: z
      .array(
        z.object({ channel: z.enum(["sms", "whatsapp", "email"]), to: z.string(), from: z.string(), content: z.record(z.string(), z.unknown()).nullable() }),
      )
      .openapi({ description: "The fallback steps, in order; content null: the message's own" }),
    fallback_after: z.number().int().nullable().openapi({ description: "Seconds a step may stay undelivered before the next one starts" }),
    send_at: z.number().int().nullable().openapi({ description: "Unix seconds: when a scheduled message is sent" }),
    expires_at: z.number().int().nullable().openapi({ description: "Unix seconds: the end of the validity_period" }),
    attempts: z
      .array(
        z.object({
          channel: z.enum(["sms", "whatsapp", "email"]),
          to: z.string(),
          from: z.string(),
          status: z.enum(STATUSES),
          error: z.object({ code: z.string(), message: z.string() }).nullable(),
          provider_latency_ms: z.number().int().nullable(),
          created_at: z.number().int().openapi({ description: "Unix seconds: when the step started" }),
        }),
      )
      .openapi({ description: "Each step tried so far: the message's own first, then its fallback steps" }),
    delivered_channel: z.enum(["sms", "whatsapp", "email"]).nullable().openapi({ description: "The channel of the step that was delivered" }),
    ...priceFields,
    metadata: z
      .record(z.string(), z.string())
      .openapi({ description: "Your own keys, as the create gave them ({} when none); kept through fallback and redaction", example: { order_id: "A1001" } }),
    batch_id: z.string().nullable().openapi({ description: "The batch that created the message (POST /v1/messages/batch), or null", example: null }),
  })
  .openapi("Message");

const ATTEMPT_STATUSES = ["sent", "delivered", "read", "undelivered", "failed", "expired"] as const;

export const MessageListSchema = listSchema(MessageSchema, "MessageList");

export const WebhookEventSchema = z
  .object({
    id: z
      .string()
      .openapi({ description: "Also the webhook-id header: the same on every retry of this event", example: "evt_019ec8f3a1c47c3d8e9f0a1b2c3d4e5f" }),
    object: z.literal("event"),
    type: z
      .enum([
        ...(["sent", "delivered", "read", "undelivered", "failed", "canceled", "expired"] as const).map((status) => `message.${status}` as const),
        ...ATTEMPT_STATUSES.map((status) => `message.attempt.${status}` as const),
        "message.received",
      ])
      .openapi({ description: "message.<status> when the message's status changed; message.attempt.<status> when only a step's did (the next step starts)" }),
    created_at: z.number().int().openapi({ description: "Unix seconds", example: 1718329484 }),
    attempt: z
      .object({ index: z.number().int(), channel: z.enum(["sms", "whatsapp", "email"]), to: z.string(), status: z.enum(STATUSES) })
      .nullable()
      .openapi({ description: "The attempt (0: the message itself, then each fallback step) the change is about; null for a change of the message alone" }),
    data: MessageSchema,
  })
  .openapi("WebhookEvent", {
    description:
      "The body POSTed to a message's status_callback on every status change (and, as message.received, to the account's inbound_callback for every inbound message), signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).",
  });

export const MessageIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, description: "The message id returned on creation", pattern: idPattern("msg").source, example: EXAMPLE_ID }),
});

const MessageEventSchema = z
  .object({
    object: z.literal("message_event"),
    type: z.string().openapi({ description: "message.created, provider.attempt, status.changed, status.ignored, receipt.noted, webhook.attempt" }),
    created_at: z.number().int(),
    created_at_ms: z.number().int(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("MessageEvent");

export const MessageEventListSchema = z.object({ object: z.literal("list"), data: z.array(MessageEventSchema) }).openapi("MessageEventList");

export const WebhookRetrySchema = z
  .object({
    object: z.literal("webhook_retry"),
    message_id: z.string().openapi({ example: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
    events_requeued: z.number().int().openapi({ description: "How many abandoned callbacks are queued again", example: 1 }),
  })
  .openapi("WebhookRetry");

// List filters. Each normalizes to the string it is stored as (so a cursor can
// remember it and be compared with a later request's filters): channel lower
// case, a phone number in E.164 (a "+" sent unescaped arrives as a space).
export const recipientFilter = z
  .string()
  .min(1)
  .max(320)
  .transform((value, ctx) => {
    const normalized = normalizeRecipient(value.includes("@") ? "email" : "sms", value);
    if ("value" in normalized) return normalized.value;
    ctx.addIssue({ code: "custom", message: "must be a phone number in E.164 format (e.g. +14155550123) or an email address" });
    return z.NEVER;
  });

// Documented as the integer it is (a query string carries every value as text).
const unixSecondsFilter = z
  .string()
  .regex(/^[0-9]{1,11}$/, "must be a Unix timestamp in seconds")
  .transform((value) => String(Number(value)))
  .openapi({ type: "integer", pattern: undefined, minimum: 0 });

const MessageFilters = {
  status: z
    .enum(STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" }, example: "failed" }),
  direction: z
    .enum(["outbound", "inbound"])
    .optional()
    .openapi({ param: { name: "direction", in: "query" }, description: "inbound: the replies to your numbers", example: "inbound" }),
  channel: channelSchema.optional().openapi({ param: { name: "channel", in: "query" }, description: "WHATSAPP, SMS or EMAIL (any case)", example: "WHATSAPP" }),
  to: recipientFilter
    .optional()
    .openapi({ param: { name: "to", in: "query" }, description: "Recipient: E.164 phone number or email address", example: "+919876543210" }),
  batch_id: z
    .string()
    .regex(idPattern("bat"), "must be a batch id (bat_...)")
    .optional()
    .openapi({ param: { name: "batch_id", in: "query" }, description: "Only the messages a batch created", example: "bat_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
  "created[gte]": unixSecondsFilter
    .optional()
    .openapi({ param: { name: "created[gte]", in: "query" }, description: "Created at or after (Unix seconds)", example: 1718323200 }),
  "created[lte]": unixSecondsFilter
    .optional()
    .openapi({ param: { name: "created[lte]", in: "query" }, description: "Created at or before (Unix seconds)", example: 1718409599 }),
};

/**
 * The filters with the metadata ones: any number of params named
 * metadata[<key>] (Hono hands the query's keys as sent), checked here; any
 * other unknown param is refused as a strict object refuses it.
 */
function withMetadataFilters<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object(shape)
    .catchall(z.string())
    .superRefine((query, ctx) => {
      const unknown = Object.keys(query).filter((key) => !(key in shape) && !key.startsWith("metadata["));
      if (unknown.length > 0) ctx.addIssue({ code: "unrecognized_keys", keys: unknown, input: query });
      const filter = metadataFilter(query as Record<string, string>);
      if ("error" in filter) ctx.addIssue({ code: "custom", path: [filter.param], message: filter.error, input: query });
    });
}

export const MessageFiltersSchema = withMetadataFilters(MessageFilters);

export const MessageListQuery = withMetadataFilters({
  ...paginationQuery,
  ...MessageFilters,
  // Documents the metadata[<key>] params (validated with the others above).
  metadata: z
    .record(z.string(), z.string())
    .optional()
    .openapi({
      param: { name: "metadata", in: "query", style: "deepObject", explode: true },
      description: `metadata[<key>]=<value>: only messages whose metadata has exactly this value for the key; up to ${METADATA_LIMITS.filterKeys} keys, all of which must match`,
      example: { order_id: "A1001" },
    }),
});

const exampleMessage = {
  id: EXAMPLE_ID,
  object: "message",
  direction: "outbound",
  channel: "whatsapp",
  to: "+919876543210",
  from: "omni_verify",
  content: { template_id: "auth_otp", variables: { code: "849201" } },
  content_retention: "retain",
  redacted_at: null,
  status: "queued",
  status_callback: "https://your-app.com/webhooks/omniflow",
  created_at: 1718329481,
  delivered_at: null,
  provider_latency_ms: null,
  error: null,
  encoding: null,
  segments: null,
  mms_fallback_applied: false,
  fallback: [],
  fallback_after: null,
  send_at: null,
  expires_at: null,
  attempts: [],
  delivered_channel: null,
  price: "0.0050",
  price_unit: "USD",
  price_status: "estimated",
  metadata: { order_id: "A1001" },
  batch_id: null,
};

const deliveredAttempt = {
  channel: "whatsapp",
  to: "+919876543210",
  from: "omni_verify",
  status: "delivered",
  error: null,
  provider_latency_ms: 1420,
  created_at: 1718329482,
};
const deliveredMessage = {
  ...exampleMessage,
  status: "delivered",
  delivered_at: 1718329484,
  provider_latency_ms: 1420,
  attempts: [deliveredAttempt],
  delivered_channel: "whatsapp",
  price_status: "final",
};

export const examples = {
  createRequest: {
    channel: "WHATSAPP",
    to: "+919876543210",
    from: "omni_verify",
    content: { template_id: "auth_otp", variables: { code: "849201" } },
    status_callback: "https://your-app.com/webhooks/omniflow",
  },
  created: exampleMessage,
  canceled: { ...exampleMessage, status: "canceled", send_at: 1718415881 },
  delivered: deliveredMessage,
  redacted: { ...deliveredMessage, content: null, content_retention: "discard", redacted_at: 1718329484 },
  event: {
    id: "evt_019ec8f3a1c47c3d8e9f0a1b2c3d4e5f",
    object: "event",
    type: "message.delivered",
    created_at: 1718329484,
    attempt: { index: 0, channel: "whatsapp", to: "+919876543210", status: "delivered" },
    data: deliveredMessage,
  },
  list: {
    object: "list",
    data: [
      deliveredMessage,
      {
        ...exampleMessage,
        id: "msg_019ec8f3a1b17c3d8e9f0a1b2c3d4e5f",
        status: "failed",
        created_at: 1718329470,
        error: { code: "undeliverable", message: "The recipient's handset could not be reached." },
      },
    ],
    next_cursor: "eyJpZCI6Im1zZ18wMTllYzhmM2ExYjE3YzNkOGU5ZjBhMWIyYzNkNGU1ZiIsImRpciI6Im5leHQifQ",
    prev_cursor: null,
    has_more: true,
  },
};
