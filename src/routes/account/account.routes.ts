import { createRoute } from "@hono/zod-openapi";
import { authErrors } from "../../http/openapi-schemas.ts";
import { AccountSchema } from "./account.schemas.ts";

export const retrieve = createRoute({
  method: "get",
  path: "/v1/account",
  operationId: "retrieveAccount",
  tags: ["Account"],
  summary: "Retrieve your account and its webhook signing secret",
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
  description: "Issues a new secret. For 24 hours webhooks are signed with both (two space-separated signatures), so receivers can switch without downtime.",
  responses: {
    200: { content: { "application/json": { schema: AccountSchema } }, description: "The account with its new secret" },
    // No parameters, so no 400.
    ...authErrors,
  },
});
