// An endpoint's delivery log (kept 30 days), its retry, and the test event.
import type { Page } from "../db/pagination.ts";
import { deleteDeliveriesBefore, findDelivery, findEndpoint, insertDelivery, listDeliveries } from "../db/webhook-endpoints.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import { attemptWebhook, signedHeaders, signingSecrets } from "../delivery/webhooks.ts";
import type { Account } from "../domain/account.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import type { Cursor } from "../domain/cursor.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { type DeliveryOutcome, endpointWebhookId, type WebhookDelivery } from "../domain/webhook-endpoint.ts";
import type { Control } from "./control.ts";

/** How long the delivery log keeps an attempt. */
const DELIVERY_LOG_DAYS = 30;
/** Rows deleted per statement, and statements per maintenance run: a bounded, short run each minute. */
const PRUNE_CHUNK = 1000;
const PRUNE_CHUNKS_PER_RUN = 10;

/** The maintenance run's pruning of delivery log rows older than 30 days; how many went. */
export async function pruneWebhookDeliveries(control: Control, nowMs: number): Promise<number> {
  const before = unixSeconds(nowMs) - DELIVERY_LOG_DAYS * 24 * 60 * 60;
  let pruned = 0;
  for (let chunk = 0; chunk < PRUNE_CHUNKS_PER_RUN; chunk++) {
    const deleted = await deleteDeliveriesBefore(control.db, before, PRUNE_CHUNK);
    pruned += deleted;
    if (deleted < PRUNE_CHUNK) break;
  }
  return pruned;
}

const missingEndpoint = (id: string) => fail("id", "resource_missing", `No such webhook endpoint: '${id}'`);

export async function listEndpointDeliveries(
  control: Control,
  account: Account,
  endpointId: string,
  request: { limit: number; cursor: Cursor | null; outcome?: DeliveryOutcome },
): Promise<Result<Page<WebhookDelivery>>> {
  if (!(await findEndpoint(control.db, account.id, endpointId))) return missingEndpoint(endpointId);
  return succeed(await listDeliveries(control.db, account.id, endpointId, request));
}

/** Sends a logged delivery's event again to its endpoint: the same webhook-id, on a fresh retry schedule. */
export async function retryDelivery(env: Env, control: Control, account: Account, endpointId: string, deliveryId: string): Promise<Result<WebhookDelivery>> {
  const delivery = await findDelivery(control.db, account.id, endpointId, deliveryId);
  if (!delivery) return fail("delivery_id", "resource_missing", `No such delivery of webhook endpoint '${endpointId}': '${deliveryId}'`);
  if (delivery.eventType === "endpoint.test") {
    return fail("delivery_id", "delivery_not_retriable", "A test event is not retried: send another with POST /v1/webhook_endpoints/:id/test.");
  }
  // A message's event is held by its object; an account event by the account's gate.
  const requeued =
    delivery.messageId === null
      ? await env.ACCOUNT_GATE.getByName(account.id).retryAccountEvent(endpointId, delivery.eventId)
      : await messageStatusStub(env, delivery.messageId).retryEndpointEvent(endpointId, delivery.eventId, "api");
  if (!requeued) {
    return fail(
      "delivery_id",
      "delivery_pending",
      "This event is still queued for this endpoint (being retried, or waiting for an older event): it goes out on its own.",
    );
  }
  return succeed(delivery);
}

/** The endpoint's answer to a signed endpoint.test event, sent now and logged. */
export async function testEndpoint(control: Control, account: Account, endpointId: string) {
  const endpoint = await findEndpoint(control.db, account.id, endpointId);
  if (!endpoint) return missingEndpoint(endpointId);
  const problem = callbackUrlProblem(endpoint.url, account.mode);
  if (problem) return fail("url", "parameter_invalid", `The endpoint's url is refused now: ${problem}.`);
  const eventId = newId("evt");
  const webhookId = endpointWebhookId(eventId, endpoint.id);
  const now = Date.now();
  const body = JSON.stringify({ id: eventId, object: "event", type: "endpoint.test", created_at: unixSeconds(now), data: { endpoint_id: endpoint.id } });
  const secrets = signingSecrets({
    webhookSecret: endpoint.secret,
    previousWebhookSecret: endpoint.previousSecret,
    previousWebhookSecretExpiresAt: endpoint.previousSecretExpiresAt,
  });
  const result = await attemptWebhook(endpoint.url, signedHeaders(secrets, webhookId, body), body);
  const durationMs = Date.now() - now;
  const delivered = result.outcome === "delivered";
  const error = result.outcome === "failed" ? result.error : result.outcome === "gone" ? "HTTP 410" : null;
  await insertDelivery(control.db, {
    id: newId("whd"),
    accountId: account.id,
    endpointId: endpoint.id,
    webhookId,
    eventId,
    eventType: "endpoint.test",
    messageId: null,
    attempt: 1,
    statusCode: result.httpStatus,
    durationMs,
    outcome: delivered ? "delivered" : "abandoned",
    error,
    nextRetryAt: null,
    createdAt: unixSeconds(now),
  });
  return succeed({ webhookId, statusCode: result.httpStatus, durationMs, delivered, error });
}
