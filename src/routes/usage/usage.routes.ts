import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { usageQuerySchema } from "../../domain/usage.ts";
import { apiKey } from "../../http/auth.ts";
import { commonErrors } from "../../http/openapi-schemas.ts";

const UsageGroupSchema = z
  .object({
    channel: z.string().nullable().optional(),
    country: z.string().nullable().optional().openapi({ description: "ISO 3166-1 alpha-2; null for email" }),
    day: z.string().nullable().optional().openapi({ example: "2026-12-03" }),
    month: z.string().nullable().optional().openapi({ example: "2026-12" }),
    api_key: z.string().nullable().optional().openapi({ description: "The id of the API key that created the messages" }),
    status: z.string().nullable().optional(),
    metadata: z
      .record(z.string(), z.string().nullable())
      .optional()
      .openapi({ description: "With group_by=metadata[key]: the key's value (null: the messages without it)", example: { team: "growth" } }),
    count: z.number().int().openapi({ description: "Outbound messages created in the period", example: 2 }),
    segments: z.number().int().openapi({ description: "Their SMS segments", example: 4 }),
    price: z.string().openapi({ description: "Their prices summed exactly (4 decimal places)", example: "0.0316" }),
    price_unit: z.string().nullable().openapi({ description: "ISO 4217; null for the messages no rate priced", example: "USD" }),
  })
  .openapi("UsageGroup");

const UsageListSchema = z.object({ object: z.literal("list"), data: z.array(UsageGroupSchema) }).openapi("UsageList");

export const list = createRoute({
  method: "get",
  path: "/v1/usage",
  operationId: "listUsage",
  tags: ["Usage"],
  summary: "Usage and spend over a period",
  description:
    "The account's outbound messages created from `start` to `end` (UTC days, inclusive), counted with their segments and prices, one entry per group of `group_by` (and per currency). Sums are exact: they equal the sum of the messages' own `price`. Kept as messages change, so a message's latest price and status are counted.",
  middleware: apiKey(),
  request: { query: usageQuerySchema },
  responses: {
    200: {
      content: {
        "application/json": {
          schema: UsageListSchema,
          example: { object: "list", data: [{ channel: "sms", country: "US", count: 2, segments: 4, price: "0.0316", price_unit: "USD" }] },
        },
      },
      description: "The period's usage, grouped",
    },
    ...commonErrors,
  },
});

const UsageAlertEventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_019ec8f3a1c47c3d8e9f0a1b2c3d4e5f" }),
    object: z.literal("event"),
    type: z.literal("usage.threshold_reached"),
    created_at: z.number().int(),
    data: z.object({
      object: z.literal("usage_alert"),
      window: z.enum(["day", "month"]),
      period: z.string().openapi({ description: "The UTC day (YYYY-MM-DD) or month (YYYY-MM) whose spend passed the threshold", example: "2026-12-03" }),
      threshold: z.string().openapi({ example: "0.0100" }),
      spent: z.string().openapi({ description: "The window's estimated spend when it passed the threshold", example: "0.0158" }),
      price_unit: z.string().nullable().openapi({ example: "USD" }),
      url: z.string(),
    }),
  })
  .openapi("UsageAlertEvent");

/** Not a route: the request OmniFlow sends to a usage alert's url (documented under `webhooks`). */
export const usageAlertWebhook = {
  method: "post",
  path: "usageThresholdReached",
  operationId: "usageThresholdReached",
  tags: ["Usage"],
  summary: "Usage threshold reached",
  description:
    "OmniFlow POSTs this event once per window to each usage alert's url (POST /v1/account usage_alerts) when the window's spend reaches the alert's threshold, signed with the account's webhook secret (Standard Webhooks) and retried as status callbacks are.",
  security: [],
  request: { body: { required: true, content: { "application/json": { schema: UsageAlertEventSchema } } } },
  responses: { 200: { description: "Any 2xx acknowledges the event; anything else is retried later" } },
} as const satisfies RouteConfig;
