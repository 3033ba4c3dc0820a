import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { apiKey } from "../../http/auth.ts";
import { authErrors, bodyErrors, commonErrors } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { WebhookEventSchema } from "../messages/messages.schemas.ts";
import { toAccountObject } from "./account.object.ts";
import { AccountSchema, RollSecretSchema, UpdateAccountSchema } from "./account.schemas.ts";

export const retrieve = createRoute({
  method: "get",
  path: "/v1/account",
  operationId: "retrieveAccount",
  tags: ["Account"],
  summary: "Retrieve your account and its webhook signing secret",
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: AccountSchema } }, description: "The account of the API key" },
    // No parameters, so no 400.
    ...authErrors,
  },
});

export const rollSecret = createRoute({
  method: "post",
  path: "/v1/account/webhook_secret/roll",
  operationId: "rollWebhookSecret",
  tags: ["Account"],
  summary: "Roll the webhook signing secret",
  description:
    "Issues a new secret. For 24 hours webhooks are signed with both (two space-separated signatures), so receivers can switch without downtime. Takes no parameters; the body may be empty. A retry with the same Idempotency-Key answers the account as it is now, with its current secret, and rolls nothing.",
  // The answer holds the secret, which a later roll replaces: a replay is the account as it is now.
  middleware: apiKey({ replaysCurrentState: (c) => c.json(toAccountObject(c.get("account")), 200) }),
  request: { body: jsonOrForm(RollSecretSchema, {}, { required: false }) },
  responses: {
    200: { content: { "application/json": { schema: AccountSchema } }, description: "The account with its new secret" },
    ...commonErrors,
    ...bodyErrors,
  },
});

export const update = createRoute({
  method: "post",
  path: "/v1/account",
  operationId: "updateAccount",
  tags: ["Account"],
  summary: "Update your account's settings",
  description:
    "Sets the settings given; the others keep their value. `inbound_callback`: where inbound messages are posted as `message.received` events. `recipient_limits[per_hour]`: past it, a create to that recipient is a 429 `recipient_rate_limited` with Retry-After. `retention_days`: older messages are deleted by the maintenance run.",
  request: {
    body: jsonOrForm(UpdateAccountSchema, {
      inbound_callback: "https://your-app.com/webhooks/omniflow/inbound",
      recipient_limits: { per_hour: 10 },
      retention_days: 30,
    }),
  },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: AccountSchema } }, description: "The account, changed" },
    ...commonErrors,
    ...bodyErrors,
  },
});

/** Not a route: the request OmniFlow sends to the account's inbound_callback for every reply (documented under `webhooks`). */
export const inboundWebhook = {
  method: "post",
  path: "messageReceived",
  operationId: "messageReceived",
  tags: ["Messages"],
  summary: "Inbound message received",
  description:
    "OmniFlow POSTs this event (type message.received, data: the inbound message) to the account's inbound_callback (POST /v1/account) for every reply to one of its numbers, signed and retried exactly as status callbacks are.",
  security: [],
  request: { body: { required: true, content: { "application/json": { schema: WebhookEventSchema } } } },
  responses: { 200: { description: "Any 2xx acknowledges the event; anything else is retried later" } },
} as const satisfies RouteConfig;
