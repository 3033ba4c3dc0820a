import { z } from "@hono/zod-openapi";
import { idPattern } from "../../domain/ids.ts";
import { listSchema } from "../../http/openapi-schemas.ts";

const EXAMPLE_ID = "key_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f";

const apiKeyFields = {
  id: z.string().openapi({ example: EXAMPLE_ID }),
  object: z.literal("api_key"),
  name: z.string().openapi({ example: "Production backend" }),
  prefix: z.string().openapi({ description: "The visible start of the key", example: "sk_test_v3_1a2b3c4d" }),
  mode: z.enum(["test", "live"]),
  permission: z
    .enum(["full_access", "sending_access"])
    .openapi({ description: "sending_access keys may only create messages; any other request is a 403 permission_error" }),
  created_at: z.number().int().openapi({ example: 1718329481 }),
  last_used_at: z.number().int().nullable().openapi({ description: "Last authenticated request, to the minute (Unix seconds)" }),
  expires_at: z.number().int().nullable().openapi({ description: "After a roll: when this key stops working (Unix seconds)" }),
  revoked_at: z.number().int().nullable(),
};

export const ApiKeySchema = z.object(apiKeyFields).openapi("ApiKey");

// Its own object rather than an extension: the document's objects are closed, so an allOf of two would match nothing.
export const IssuedApiKeySchema = z
  .object({
    ...apiKeyFields,
    secret: z.string().openapi({ description: "The key itself: shown only in this response, never again", example: "sk_test_v3_1a2b3c4d..." }),
  })
  .openapi("IssuedApiKey");

export const ApiKeyListSchema = listSchema(ApiKeySchema, "ApiKeyList");

export const ApiKeyIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, pattern: idPattern("key").source, example: EXAMPLE_ID }),
});
