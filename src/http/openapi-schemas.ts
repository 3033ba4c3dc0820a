// Response shapes shared by every route's OpenAPI declaration.
import { z } from "@hono/zod-openapi";

export const ErrorSchema = z
  .object({
    error: z.object({
      type: z.enum(["invalid_request_error", "authentication_error", "rate_limit_error", "idempotency_error", "api_error"]),
      code: z.string(),
      message: z.string(),
      param: z.string().optional(),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({
  content: { "application/json": { schema: ErrorSchema } },
  description,
});

/** The error responses every authenticated route can give. */
export const commonErrors = {
  400: errorResponse("Invalid request: the error names the param at fault"),
  401: errorResponse("Missing, malformed, unknown or revoked API key"),
  500: errorResponse("Unexpected failure on OmniFlow's side"),
} as const;

export const notFoundError = { 404: errorResponse("No such resource in this account") } as const;

export const conflictError = { 409: errorResponse("The account already has this resource") } as const;

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
      next_cursor: z.string().nullable(),
      prev_cursor: z.string().nullable(),
      has_more: z.boolean(),
    })
    .openapi(name);
}

export const paginationQuery = {
  limit: z.coerce
    .number({ error: "must be a whole number from 1 to 100" })
    .int("must be a whole number from 1 to 100")
    .min(1, "must be a whole number from 1 to 100")
    .max(100, "must be a whole number from 1 to 100")
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, example: 2 }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "A next_cursor or prev_cursor value from a previous page" }),
};

/**
 * A request body for the document. Bodies are validated by validBody() (JSON
 * and bracket-notation forms alike), so the document gets the schema as plain
 * JSON Schema rather than a zod schema @hono/zod-openapi would validate again.
 */
export function requestBody(schema: z.ZodType) {
  const doc = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    required: true,
    content: { "application/json": { schema: doc }, "application/x-www-form-urlencoded": { schema: doc } },
  };
}
