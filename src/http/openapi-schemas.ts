// Response shapes shared by every route's OpenAPI declaration.
import { z } from "@hono/zod-openapi";
import { MAX_CURSOR_LENGTH } from "../domain/cursor.ts";

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

const LIMIT_RULE = "must be a whole number from 1 to 100";

export const paginationQuery = {
  // Digits only: a number coerced from "1e2" or "0x10" is a typo, not a limit.
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, LIMIT_RULE)
    .transform(Number)
    .pipe(z.number().min(1, LIMIT_RULE).max(100, LIMIT_RULE))
    .optional()
    .transform((limit) => limit ?? 20)
    .openapi({ param: { name: "limit", in: "query" }, description: "1 to 100, default 20", example: "2" }),
  cursor: z
    .string()
    .max(MAX_CURSOR_LENGTH)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "A next_cursor or prev_cursor value from a previous page" }),
};
