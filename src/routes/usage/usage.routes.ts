import { createRoute, z } from "@hono/zod-openapi";
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
