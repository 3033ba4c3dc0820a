import { z } from "@hono/zod-openapi";
import { SUBSCRIBABLE_EVENT_TYPES } from "../../domain/event-types.ts";
import { idPattern } from "../../domain/ids.ts";
import { DELIVERY_OUTCOMES } from "../../domain/webhook-endpoint.ts";
import { deletedSchema, listSchema, paginationQuery } from "../../http/openapi-schemas.ts";

export const ENDPOINT_ID = idPattern("we");
export const DELIVERY_ID = idPattern("whd");
const EXAMPLE_ID = "we_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f";

const endpointShape = {
  id: z.string().openapi({ example: EXAMPLE_ID }),
  object: z.literal("webhook_endpoint"),
  url: z.string().openapi({ example: "https://hooks.your-app.com/omniflow" }),
  description: z.string(),
  enabled_events: z.array(z.string()).openapi({ description: `"*" or event types: ${SUBSCRIBABLE_EVENT_TYPES.join(", ")}`, example: ["message.failed"] }),
  metadata: z.record(z.string(), z.string()),
  status: z.enum(["enabled", "disabled"]),
  disabled_reason: z
    .enum(["manual", "failing"])
    .nullable()
    .openapi({ description: "manual: disabled through the API; failing: every delivery failed for 5 days" }),
  created_at: z.number().int(),
  updated_at: z.number().int(),
};

export const WebhookEndpointSchema = z.object(endpointShape).openapi("WebhookEndpoint");

export const WebhookEndpointWithSecretSchema = z
  .object({
    ...endpointShape,
    secret: z.string().openapi({ description: "The endpoint's signing secret (whsec_...): shown on create, and by GET /:id/secret", example: "whsec_..." }),
  })
  .openapi("WebhookEndpointWithSecret");

export const WebhookEndpointSecretSchema = z
  .object({
    object: z.literal("webhook_endpoint_secret"),
    endpoint_id: z.string(),
    secret: z.string().openapi({ example: "whsec_..." }),
    previous_secret_expires_at: z.number().int().nullable().openapi({ description: "After a roll, the old secret signs too until then (Unix seconds)" }),
  })
  .openapi("WebhookEndpointSecret");

export const WebhookEndpointListSchema = listSchema(WebhookEndpointSchema, "WebhookEndpointList");
export const DeletedWebhookEndpointSchema = deletedSchema("webhook_endpoint", "DeletedWebhookEndpoint");

const WebhookDeliverySchema = z
  .object({
    id: z.string().openapi({ example: "whd_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
    object: z.literal("webhook_delivery"),
    endpoint_id: z.string(),
    webhook_id: z.string().openapi({ description: "The webhook-id header: the same on every attempt of this event to this endpoint" }),
    event_id: z.string(),
    event_type: z.string(),
    message_id: z.string().nullable(),
    attempt: z.number().int(),
    status_code: z.number().int().nullable().openapi({ description: "The endpoint's HTTP status; null when it did not answer or nothing was sent" }),
    duration_ms: z.number().int().nullable(),
    outcome: z.enum(DELIVERY_OUTCOMES),
    error: z.string().nullable(),
    next_retry_at: z.number().int().nullable(),
    created_at: z.number().int(),
  })
  .openapi("WebhookDelivery");

export const WebhookDeliveryListSchema = listSchema(WebhookDeliverySchema, "WebhookDeliveryList");

export const WebhookDeliveryRetrySchema = z
  .object({ object: z.literal("webhook_delivery_retry"), delivery_id: z.string(), webhook_id: z.string(), requeued: z.literal(true) })
  .openapi("WebhookDeliveryRetry");

export const WebhookEndpointTestSchema = z
  .object({
    object: z.literal("webhook_endpoint_test"),
    webhook_id: z.string(),
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    outcome: z.enum(["delivered", "failed"]),
    error: z.string().nullable(),
  })
  .openapi("WebhookEndpointTest");

const idParam = (pattern: RegExp, example: string) =>
  z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, pattern: pattern.source, example });

export const EndpointIdParams = z.object({ id: idParam(ENDPOINT_ID, EXAMPLE_ID) });

export const DeliveryParams = z.object({
  id: idParam(ENDPOINT_ID, EXAMPLE_ID),
  delivery_id: z
    .string()
    .max(64)
    .openapi({ param: { name: "delivery_id", in: "path" }, pattern: DELIVERY_ID.source, example: "whd_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
});

export const DeliveryListQuery = z.strictObject({
  ...paginationQuery,
  outcome: z
    .enum(DELIVERY_OUTCOMES)
    .optional()
    .openapi({ param: { name: "outcome", in: "query" }, description: "Only deliveries with this outcome" }),
});
