// Shapes and responses shared by every route's OpenAPI declaration.
import { type RouteConfig, z } from "@hono/zod-openapi";
import { MAX_CURSOR_LENGTH } from "../domain/cursor.ts";
import { MAX_BODY_BYTES, MAX_MEDIA_BODY_BYTES } from "./body.ts";
import { errors } from "./errors.ts";

const errorDetail = {
  type: z.enum(["invalid_request_error", "authentication_error", "permission_error", "rate_limit_error", "idempotency_error", "api_error"]),
  code: z.string(),
  message: z.string(),
  param: z.string().optional().openapi({ description: "The request parameter at fault, in bracket notation (content[text])" }),
};

/** A batch item's error: its index in `messages`, and why it was not created (param relative to the item). */
export const ItemErrorSchema = z.object({ index: z.number().int(), error: z.object(errorDetail) }).openapi("BatchItemError");

export const ErrorSchema = z
  .object({
    error: z.object({
      ...errorDetail,
      errors: z.array(ItemErrorSchema).optional().openapi({ description: "A refused batch (batch_invalid): every item's error, by index" }),
    }),
  })
  .openapi("Error");

/** An error response; the example is built by the same factory the handlers throw. */
export const errorResponse = (description: string, example: { toJSON(): unknown }) => ({
  content: { "application/json": { schema: ErrorSchema, example: example.toJSON() } },
  description,
});

type RequestBody = NonNullable<NonNullable<RouteConfig["request"]>["body"]>;
type MediaType = Extract<RequestBody["content"][string], { schema: unknown }>;
type OpenApiSchema = Exclude<MediaType["schema"], z.ZodType>;

/** zod's JSON Schema output (draft 2020-12), typed as the OpenAPI 3.1 schema object it is. */
export const asOpenApiSchema = (jsonSchema: object) => jsonSchema as OpenApiSchema;

const keyErrors = {
  401: errorResponse(
    "Missing, malformed, unknown or revoked API key",
    errors.authentication("invalid_api_key", "Invalid API key provided. Check the key, or create a new one."),
  ),
  500: errorResponse("Unexpected failure on OmniFlow's side", errors.internal()),
} as const;

/** The errors every authenticated route can give, except the one route sending_access keys may call. */
export const authErrors = {
  ...keyErrors,
  403: errorResponse("A sending_access key, which may only create messages", errors.permission("sending_access")),
} as const;

const invalidParamError = errorResponse(
  "Invalid request: the error names the param at fault",
  errors.invalidParam("limit", "Invalid limit: must be a whole number from 1 to 100"),
);

/** authErrors and the 400 of a route that takes parameters (nearly every route). */
export const commonErrors = { 400: invalidParamError, ...authErrors } as const;

/** commonErrors of the route that sending_access keys may call too (no 403). */
export const sendingErrors = { 400: invalidParamError, ...keyErrors } as const;

export const notFoundError = {
  404: errorResponse("No such resource in this account", errors.notFound("message", "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f")),
} as const;

/** The errors of a route that takes a body (jsonOrForm), on top of commonErrors. */
export const bodyErrors = {
  413: errorResponse(`The body is larger than ${MAX_BODY_BYTES / 1024} KiB`, errors.bodyTooLarge(MAX_BODY_BYTES)),
  415: errorResponse("The body is neither JSON nor form-encoded", errors.unsupportedMediaType()),
} as const;

/** bodyErrors of the create and its preview, whose body may carry files (src/http/body.ts). */
export const mediaBodyErrors = {
  ...bodyErrors,
  413: errorResponse("The files are larger than a message may carry; the error names the field", errors.mediaBodyTooLarge(MAX_MEDIA_BODY_BYTES)),
} as const;

interface PropertySchema {
  type?: unknown;
  anyOf?: PropertySchema[];
  oneOf?: PropertySchema[];
}

const mayBeObject = (schema: PropertySchema): boolean =>
  schema.type === "object" ||
  (Array.isArray(schema.type) && schema.type.includes("object")) ||
  [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].some(mayBeObject);

/**
 * How a route's request body (src/http/request-body.ts) is documented: JSON or
 * form-encoded with bracket notation, one schema for both, as plain JSON
 * Schema, which @hono/zod-openapi does not validate a second time.
 */
export function validatedBody(schema: z.ZodType, example: Record<string, unknown>, { required = true } = {}): RequestBody {
  const { $schema: _, ...jsonSchema } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const properties = (jsonSchema.properties ?? {}) as Record<string, PropertySchema>;
  // Nested objects travel as content[variables][code]=849201, which OpenAPI calls
  // deepObject; a field is nested when any of its shapes (anyOf, nullable) is an object.
  const encoding = Object.fromEntries(
    Object.entries(properties)
      .filter(([, property]) => mayBeObject(property))
      .map(([name]) => [name, { style: "deepObject", explode: true }]),
  );
  return {
    required,
    content: {
      "application/json": { schema: asOpenApiSchema(jsonSchema), example },
      "application/x-www-form-urlencoded": { schema: asOpenApiSchema(jsonSchema), encoding, example },
    },
  };
}

/**
 * The daily message cap and the per-recipient limit of POST /v1/messages. The document adds the 429 every
 * authenticated route can give (rate_limit_exceeded) to it.
 */
export const dailyLimitError = {
  429: {
    ...errorResponse(
      "This live account has sent its daily limit of messages on this channel (daily_limit_exceeded): Retry-After is the time until the next UTC day; or its hourly limit of messages to this recipient (recipient_rate_limited, when the account set recipient_limits[per_hour]): Retry-After is the time until one more is allowed",
      errors.dailyLimitExceeded("sms", 1000, 3600),
    ),
    headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } },
  },
} as const;

export const spendLimitError = {
  402: errorResponse(
    "The message's estimated price would pass the account's daily or monthly spend limit (spend_limit_reached; POST /v1/account spend_limits)",
    errors.spendLimitReached(
      "This message's estimated price (0.0158) would pass the account's daily spend limit (spend_limits[daily] = 0.0200; spent so far: 0.0158). Raise the limit with POST /v1/account, or wait for the next UTC day.",
    ),
  ),
} as const;

export const conflictError = {
  409: errorResponse("The account already has this resource", errors.alreadyExists("Template 'auth_otp'", "id")),
} as const;

/** The object a DELETE answers with. */
export function deletedSchema(object: string, name: string) {
  return z.object({ id: z.string(), object: z.literal(object), deleted: z.literal(true) }).openapi(name);
}

/** A list page: { object: "list", data, next_cursor, prev_cursor, has_more }. */
export function listSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      object: z.literal("list"),
      data: z.array(item),
      next_cursor: z.string().nullable().openapi({ description: "Pass as cursor for the next (older) page; null on the last page" }),
      prev_cursor: z.string().nullable().openapi({ description: "Pass as cursor for the previous (newer) page; null on the first page" }),
      has_more: z.boolean().openapi({
        description:
          "More objects follow in the direction of travel. A page may hold fewer than `limit` objects with more to come (see the list's description): follow the cursor until this is false",
      }),
    })
    .openapi(name);
}

const LIMIT_RULE = "must be a whole number from 1 to 100";

export const paginationQuery = {
  // Digits only: a number coerced from "1e2" or "0x10" is a typo, not a limit.
  // Documented as the integer it is (a query string carries every value as text).
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, LIMIT_RULE)
    .transform(Number)
    .pipe(z.number().min(1, LIMIT_RULE).max(100, LIMIT_RULE))
    .optional()
    .transform((limit) => limit ?? 20)
    .openapi({
      param: { name: "limit", in: "query" },
      type: "integer",
      pattern: undefined,
      minimum: 1,
      maximum: 100,
      default: 20,
      description: "How many objects to return, 1 to 100",
      example: 2,
    }),
  cursor: z
    .string()
    .max(MAX_CURSOR_LENGTH)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "A next_cursor or prev_cursor value from a previous page" }),
};
