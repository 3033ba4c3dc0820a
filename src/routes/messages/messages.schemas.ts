import { z } from "@hono/zod-openapi";
import { listSchema } from "../../http/openapi-schemas.ts";

export const MessageSchema = z
  .object({
    id: z.string().openapi({ example: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
    object: z.literal("message"),
    channel: z.enum(["sms", "whatsapp", "email"]).openapi({ example: "whatsapp" }),
    to: z.string().openapi({ example: "+919876543210" }),
    from: z.string().openapi({ example: "omni_verify" }),
    content: z.record(z.string(), z.unknown()).openapi({ example: { template_id: "auth_otp", variables: { code: "849201" } } }),
    status: z.enum(["queued", "sent", "delivered", "read", "undelivered", "failed"]),
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
