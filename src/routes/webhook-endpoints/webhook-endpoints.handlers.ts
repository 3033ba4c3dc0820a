import type { Problem } from "../../domain/result.ts";
import { toDeliveryObject, toEndpointObject, type WebhookEndpoint } from "../../domain/webhook-endpoint.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, pageFilters, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { listEndpointDeliveries, retryDelivery as retryLoggedDelivery, testEndpoint } from "../../services/webhook-deliveries.ts";
import {
  createEndpoint,
  editEndpoint,
  findAccountEndpoint,
  listAccountEndpoints,
  removeEndpoint,
  rollEndpointSecret,
} from "../../services/webhook-endpoints.ts";
import type * as routes from "./webhook-endpoints.routes.ts";
import { DELIVERY_ID, DeliveryListQuery, ENDPOINT_ID } from "./webhook-endpoints.schemas.ts";

// The service's problems that are not a 400.
const STATUS_OF: Record<string, 404 | 409> = { resource_missing: 404, delivery_pending: 409 };
const failure = (problem: Problem) => errors.problem(problem, STATUS_OF[problem.code] ?? 400);

const secretObject = (endpoint: WebhookEndpoint) => ({
  object: "webhook_endpoint_secret" as const,
  endpoint_id: endpoint.id,
  secret: endpoint.secret,
  previous_secret_expires_at: endpoint.previousSecret ? endpoint.previousSecretExpiresAt : null,
});

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const result = await createEndpoint(c.var.control, c.get("account"), c.req.valid("json"));
  if (!result.ok) throw failure(result.problem);
  return c.json({ ...toEndpointObject(result.value), secret: result.value.secret }, 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, ENDPOINT_ID);
  const page = await listAccountEndpoints(c.var.control, c.get("account"), limit, cursor);
  return c.json(listEnvelope(page, cursor, toEndpointObject), 200);
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const result = await findAccountEndpoint(c.var.control, c.get("account"), c.req.valid("param").id);
  if (!result.ok) throw failure(result.problem);
  return c.json(toEndpointObject(result.value), 200);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const result = await editEndpoint(c.var.control, c.get("account"), c.req.valid("param").id, c.req.valid("json"));
  if (!result.ok) throw failure(result.problem);
  return c.json(toEndpointObject(result.value), 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await removeEndpoint(c.var.control, c.get("account"), id);
  if (!result.ok) throw failure(result.problem);
  return c.json({ id, object: "webhook_endpoint" as const, deleted: true as const }, 200);
};

export const secret: AppRouteHandler<typeof routes.secret> = async (c) => {
  const result = await findAccountEndpoint(c.var.control, c.get("account"), c.req.valid("param").id);
  if (!result.ok) throw failure(result.problem);
  return c.json(secretObject(result.value), 200);
};

export const rollSecret: AppRouteHandler<typeof routes.rollSecret> = async (c) => {
  const result = await rollEndpointSecret(c.var.control, c.get("account"), c.req.valid("param").id);
  if (!result.ok) throw failure(result.problem);
  return c.json(secretObject(result.value), 200);
};

export const deliveries: AppRouteHandler<typeof routes.deliveries> = async (c) => {
  const { limit, cursor: rawCursor, ...requested } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, DELIVERY_ID);
  const filters = pageFilters(cursor, requested, DeliveryListQuery.pick({ outcome: true }));
  const result = await listEndpointDeliveries(c.var.control, c.get("account"), c.req.valid("param").id, { limit, cursor, ...filters });
  if (!result.ok) throw failure(result.problem);
  return c.json(listEnvelope(result.value, cursor, toDeliveryObject, filters), 200);
};

export const retryDelivery: AppRouteHandler<typeof routes.retryDelivery> = async (c) => {
  const { id, delivery_id: deliveryId } = c.req.valid("param");
  const result = await retryLoggedDelivery(c.env, c.var.control, c.get("account"), id, deliveryId);
  if (!result.ok) throw failure(result.problem);
  return c.json({ object: "webhook_delivery_retry" as const, delivery_id: deliveryId, webhook_id: result.value.webhookId, requeued: true as const }, 200);
};

export const test: AppRouteHandler<typeof routes.test> = async (c) => {
  const result = await testEndpoint(c.var.control, c.get("account"), c.req.valid("param").id);
  if (!result.ok) throw failure(result.problem);
  const { webhookId, statusCode, durationMs, delivered, error } = result.value;
  return c.json(
    {
      object: "webhook_endpoint_test" as const,
      webhook_id: webhookId,
      status_code: statusCode,
      duration_ms: durationMs,
      outcome: delivered ? ("delivered" as const) : ("failed" as const),
      error,
    },
    200,
  );
};
