import { createRoute, z } from "@hono/zod-openapi";
import { createApiKeySchema, rollApiKeySchema } from "../../domain/api-key.ts";
import { apiKey } from "../../http/auth.ts";
import { bodyErrors, commonErrors, notFoundError, paginationQuery } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { ApiKeyIdParams, ApiKeyListSchema, ApiKeySchema, IssuedApiKeySchema } from "./api-keys.schemas.ts";

export const create = createRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/v1/api_keys",
  tags: ["API keys"],
  summary: "Create an API key",
  description: "The answer holds the key's `secret`, shown this once. The key has the mode of the account.",
  request: { body: jsonOrForm(createApiKeySchema, { name: "Production backend", permission: "sending_access" }) },
  middleware: apiKey(),
  responses: {
    201: { content: { "application/json": { schema: IssuedApiKeySchema } }, description: "The key, with its secret" },
    ...commonErrors,
    ...bodyErrors,
  },
});

export const list = createRoute({
  operationId: "listApiKeys",
  method: "get",
  path: "/v1/api_keys",
  tags: ["API keys"],
  summary: "List all API keys",
  description: "Revoked and expired keys included, newest first.",
  request: { query: z.strictObject(paginationQuery) },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: ApiKeyListSchema } }, description: "A page of keys, newest first" },
    ...commonErrors,
  },
});

export const retrieve = createRoute({
  operationId: "retrieveApiKey",
  method: "get",
  path: "/v1/api_keys/{id}",
  tags: ["API keys"],
  summary: "Retrieve an API key",
  request: { params: ApiKeyIdParams },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: ApiKeySchema } }, description: "The key (never its secret)" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const revoke = createRoute({
  operationId: "revokeApiKey",
  method: "delete",
  path: "/v1/api_keys/{id}",
  tags: ["API keys"],
  summary: "Revoke an API key",
  description: "The key stops working at once. Revoking a revoked key answers it unchanged.",
  request: { params: ApiKeyIdParams },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: ApiKeySchema } }, description: "The key, with revoked_at set" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const roll = createRoute({
  operationId: "rollApiKey",
  method: "post",
  path: "/v1/api_keys/{id}/roll",
  tags: ["API keys"],
  summary: "Roll an API key",
  description:
    "Issues a new key with the same name and permission. The old key keeps working for `expires_in` seconds (0, the default, stops it now; at most 86400), so callers can switch without downtime. Only an active key that was not rolled already can be rolled (400 `api_key_not_active`).",
  request: { params: ApiKeyIdParams, body: jsonOrForm(rollApiKeySchema, { expires_in: 3600 }) },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: IssuedApiKeySchema } }, description: "The new key, with its secret" },
    ...commonErrors,
    ...bodyErrors,
    ...notFoundError,
  },
});
