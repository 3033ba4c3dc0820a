import { createRoute } from "@hono/zod-openapi";
import { commonErrors } from "../../http/openapi-schemas.ts";
import { AccountSchema } from "./account.schemas.ts";

export const retrieveAccount = createRoute({
  method: "get",
  path: "/v1/account",
  tags: ["Account"],
  summary: "Retrieve your account and its webhook signing secret",
  responses: {
    200: { content: { "application/json": { schema: AccountSchema } }, description: "The account of the API key" },
    ...commonErrors,
  },
});

export const rollWebhookSecret = createRoute({
  method: "post",
  path: "/v1/account/webhook_secret/roll",
  tags: ["Account"],
  summary: "Roll the webhook signing secret",
  description: "Issues a new secret. For 24 hours webhooks are signed with both (two space-separated signatures), so receivers can switch without downtime.",
  responses: {
    200: { content: { "application/json": { schema: AccountSchema } }, description: "The account with its new secret" },
    ...commonErrors,
  },
});
