import { z } from "@hono/zod-openapi";
import { normalizeRecipient } from "../../domain/address.ts";
import { channelSchema, MESSAGE_STATUSES } from "../../domain/message.ts";
import { listSchema, paginationQuery } from "../../http/openapi-schemas.ts";

export const MessageSchema = z
  .object({
    id: z.string().openapi({ example: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
    object: z.literal("message"),
    channel: z.enum(["sms", "whatsapp", "email"]).openapi({ example: "whatsapp" }),
    to: z.string().openapi({ example: "+919876543210" }),
    from: z.string().openapi({ example: "omni_verify" }),
    content: z.record(z.string(), z.unknown()).openapi({ example: { template_id: "auth_otp", variables: { code: "849201" } } }),
    status: z.enum(MESSAGE_STATUSES),
    status_callback: z.string().nullable(),
    created_at: z.number().int().openapi({ example: 1718329481 }),
    delivered_at: z.number().int().nullable(),
    provider_latency_ms: z.number().int().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .openapi("Message");

export const MessageListSchema = listSchema(MessageSchema, "MessageList");

export const MessageIdParams = z.object({
  id: z.string().max(64).openapi({ param: { name: "id", in: "path" }, example: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
});

export const MessageEventSchema = z
  .object({
    object: z.literal("message_event"),
    type: z.string().openapi({ description: "message.created, provider.attempt, status.changed, status.ignored, receipt.noted, webhook.attempt" }),
    created_at: z.number().int(),
    created_at_ms: z.number().int(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("MessageEvent");

export const MessageEventListSchema = z
  .object({ object: z.literal("list"), data: z.array(MessageEventSchema) })
  .openapi("MessageEventList");

// List filters. Each normalizes to the string it is stored as (so a cursor can
// remember it and be compared with a later request's filters): channel lower
// case, a phone number in E.164 (a "+" sent unescaped arrives as a space).
const recipientFilter = z
  .string()
  .min(1)
  .max(320)
  .transform((value, ctx) => {
    const normalized = normalizeRecipient(value.includes("@") ? "email" : "sms", value);
    if ("value" in normalized) return normalized.value;
    ctx.addIssue({ code: "custom", message: "must be a phone number in E.164 format (e.g. +14155550123) or an email address" });
    return z.NEVER;
  });

const unixSecondsFilter = z
  .string()
  .regex(/^[0-9]{1,11}$/, "must be a Unix timestamp in seconds")
  .transform((value) => String(Number(value)));

export const MessageFilters = {
  status: z.enum(MESSAGE_STATUSES).optional().openapi({ param: { name: "status", in: "query" }, example: "failed" }),
  channel: channelSchema
    .optional()
    .openapi({ param: { name: "channel", in: "query" }, description: "WHATSAPP, SMS or EMAIL (any case)", example: "WHATSAPP" }),
  to: recipientFilter
    .optional()
    .openapi({ param: { name: "to", in: "query" }, description: "Recipient: E.164 phone number or email address", example: "+919876543210" }),
  "created[gte]": unixSecondsFilter
    .optional()
    .openapi({ param: { name: "created[gte]", in: "query" }, description: "Created at or after (Unix seconds)", example: "1718323200" }),
  "created[lte]": unixSecondsFilter
    .optional()
    .openapi({ param: { name: "created[lte]", in: "query" }, description: "Created at or before (Unix seconds)", example: "1718409599" }),
};

export const MessageFiltersSchema = z.strictObject(MessageFilters);

export const MessageListQuery = z.strictObject({ ...paginationQuery, ...MessageFilters });
