import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../../domain/event-types.ts";
import { createEndpointSchema, updateEndpointSchema } from "../../domain/webhook-endpoint.ts";
import { apiKey } from "../../http/auth.ts";
import { errors } from "../../http/errors.ts";
import { bodyErrors, commonErrors, errorResponse, notFoundError, paginationQuery } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import {
  DeletedWebhookEndpointSchema,
  DeliveryListQuery,
  DeliveryParams,
  EndpointIdParams,
  WebhookDeliveryListSchema,
  WebhookDeliveryRetrySchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
  WebhookEndpointSecretSchema,
  WebhookEndpointTestSchema,
  WebhookEndpointWithSecretSchema,
} from "./webhook-endpoints.schemas.ts";

const tags = ["Webhook endpoints"];
const json = (schema: z.ZodType, description: string) => ({ content: { "application/json": { schema } }, description });
const pending = errors.problem(
  { param: "delivery_id", code: "delivery_pending", message: "This event is still queued for this endpoint (being retried, or waiting for an older event)." },
  409,
);

export const create = createRoute({
  operationId: "createWebhookEndpoint",
  method: "post",
  path: "/v1/webhook_endpoints",
  tags,
  summary: "Create a webhook endpoint",
  description:
    "Registers a URL that receives every event of the types in enabled_events, signed with the endpoint's own secret (returned once here, and by GET /v1/webhook_endpoints/{id}/secret). At most 20 per account.",
  request: {
    body: jsonOrForm(createEndpointSchema, { url: "https://hooks.your-app.com/omniflow", enabled_events: ["message.delivered", "message.failed"] }),
  },
  middleware: apiKey(),
  responses: { 201: json(WebhookEndpointWithSecretSchema, "The endpoint, with its secret"), ...commonErrors, ...bodyErrors },
});

export const list = createRoute({
  operationId: "listWebhookEndpoints",
  method: "get",
  path: "/v1/webhook_endpoints",
  tags,
  summary: "List webhook endpoints",
  request: { query: z.strictObject(paginationQuery) },
  middleware: apiKey(),
  responses: { 200: json(WebhookEndpointListSchema, "A page of endpoints, in order of id"), ...commonErrors },
});

export const retrieve = createRoute({
  operationId: "retrieveWebhookEndpoint",
  method: "get",
  path: "/v1/webhook_endpoints/{id}",
  tags,
  summary: "Retrieve a webhook endpoint",
  request: { params: EndpointIdParams },
  middleware: apiKey(),
  responses: { 200: json(WebhookEndpointSchema, "The endpoint"), ...commonErrors, ...notFoundError },
});

export const update = createRoute({
  operationId: "updateWebhookEndpoint",
  method: "post",
  path: "/v1/webhook_endpoints/{id}",
  tags,
  summary: "Update a webhook endpoint",
  description: "Changes what is given. disabled: false enables it again; events from while it was disabled are not re-sent.",
  request: { params: EndpointIdParams, body: jsonOrForm(updateEndpointSchema, { enabled_events: ["*"] }) },
  middleware: apiKey(),
  responses: { 200: json(WebhookEndpointSchema, "The updated endpoint"), ...commonErrors, ...bodyErrors, ...notFoundError },
});

export const remove = createRoute({
  operationId: "deleteWebhookEndpoint",
  method: "delete",
  path: "/v1/webhook_endpoints/{id}",
  tags,
  summary: "Delete a webhook endpoint",
  request: { params: EndpointIdParams },
  middleware: apiKey(),
  responses: { 200: json(DeletedWebhookEndpointSchema, "The endpoint is deleted"), ...commonErrors, ...notFoundError },
});

export const secret = createRoute({
  operationId: "retrieveWebhookEndpointSecret",
  method: "get",
  path: "/v1/webhook_endpoints/{id}/secret",
  tags,
  summary: "Reveal a webhook endpoint's signing secret",
  request: { params: EndpointIdParams },
  middleware: apiKey(),
  responses: { 200: json(WebhookEndpointSecretSchema, "The secret"), ...commonErrors, ...notFoundError },
});

export const rollSecret = createRoute({
  operationId: "rollWebhookEndpointSecret",
  method: "post",
  path: "/v1/webhook_endpoints/{id}/secret/roll",
  tags,
  summary: "Roll a webhook endpoint's signing secret",
  description: "A new secret signs from now on; the old one signs beside it for 24 hours, so a receiver can switch without missing an event.",
  request: { params: EndpointIdParams },
  middleware: apiKey(),
  responses: { 200: json(WebhookEndpointSecretSchema, "The new secret"), ...commonErrors, ...notFoundError },
});

export const deliveries = createRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/v1/webhook_endpoints/{id}/deliveries",
  tags,
  summary: "List an endpoint's deliveries",
  description: "Every attempt to send an event to this endpoint in the last 30 days, newest first.",
  request: { params: EndpointIdParams, query: DeliveryListQuery },
  middleware: apiKey(),
  responses: { 200: json(WebhookDeliveryListSchema, "A page of deliveries, newest first"), ...commonErrors, ...notFoundError },
});

export const retryDelivery = createRoute({
  operationId: "retryWebhookDelivery",
  method: "post",
  path: "/v1/webhook_endpoints/{id}/deliveries/{delivery_id}/retry",
  tags,
  summary: "Send a delivery's event again",
  description: "The same event, with the same webhook-id, goes to this endpoint again on a fresh retry schedule.",
  request: { params: DeliveryParams },
  middleware: apiKey(),
  responses: {
    200: json(WebhookDeliveryRetrySchema, "The event is queued again"),
    ...commonErrors,
    ...notFoundError,
    409: errorResponse("The event is still queued for this endpoint (delivery_pending)", pending),
  },
});

export const test = createRoute({
  operationId: "testWebhookEndpoint",
  method: "post",
  path: "/v1/webhook_endpoints/{id}/test",
  tags,
  summary: "Send a test event",
  description: "Sends a signed endpoint.test event to the endpoint now and answers with what it returned (logged with its deliveries).",
  request: { params: EndpointIdParams },
  middleware: apiKey(),
  responses: { 200: json(WebhookEndpointTestSchema, "The endpoint's answer"), ...commonErrors, ...notFoundError },
});

/** Not a route: what OmniFlow POSTs to a webhook endpoint, one type from the catalogue (documented under `webhooks`). */
export const endpointWebhook = {
  method: "post",
  path: "webhookEndpointEvent",
  operationId: "webhookEndpointEvent",
  tags,
  summary: "An event sent to a webhook endpoint",
  description: `OmniFlow POSTs each event of a type the endpoint subscribed to, signed per Standard Webhooks with the endpoint's own secret. The types:\n\n${Object.entries(
    EVENT_TYPES,
  )
    .map(([type, entry]) => `- \`${type}\` (${entry.owner}): ${entry.description}`)
    .join("\n")}`,
  security: [],
  request: {
    headers: z.object({
      "webhook-id": z.string().openapi({ description: "<event id>_<endpoint id>: the same on every retry of this event to this endpoint" }),
      "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed" }),
      "webhook-signature": z.string().openapi({ description: "v1,<base64 HMAC-SHA256 of {id}.{timestamp}.{body}>, space-separated while a secret is rolled" }),
    }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            id: z.string(),
            object: z.literal("event"),
            type: z.enum(Object.keys(EVENT_TYPES) as [string, ...string[]]),
            created_at: z.number().int(),
            data: z.record(z.string(), z.unknown()).openapi({ description: "The message (message.* events, as GET /v1/messages/:id), or the event's object" }),
          }),
        },
      },
    },
  },
  responses: { 200: { description: "Any 2xx acknowledges the event; anything else is retried later" } },
} as const satisfies RouteConfig;
