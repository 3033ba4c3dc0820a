// The OpenAPI 3.1 document, built from whatever routes the app registers.
// The routes declare themselves (createRoute); what applies to routes as a
// group is added here, from the same facts the middleware acts on: both auth
// schemes except on public paths; on every authenticated route the rate limit
// (429 and the RateLimit headers); on every authenticated POST the
// Idempotency-Key and its 400 and 409 errors; and the X-Request-Id header on
// every response.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { TrieRouter } from "hono/router/trie-router";
import type { AppEnv } from "./context.ts";
import { type ApiError, errors } from "./errors.ts";
import { IDEMPOTENCY } from "./idempotency.ts";

export const PRODUCTION_SERVER = { url: "https://api.omniflow.com", description: "Production" };

const COMPONENTS = {
  securitySchemes: {
    basicAuth: {
      type: "http",
      scheme: "basic",
      description: "Your API key as the username, with an empty password: curl -u sk_test_v3_...:",
    },
    bearerAuth: { type: "http", scheme: "bearer", description: "Your API key as a bearer token: Authorization: Bearer sk_test_v3_..." },
  },
  parameters: {
    IdempotencyKey: {
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "Makes a retry safe: a retry with the same key and the same parameters replays the first response (with Idempotent-Replayed: true) instead of acting twice.",
      schema: { type: "string", minLength: 1, maxLength: IDEMPOTENCY.maxKeyLength, pattern: "^[\\x20-\\x7e]+$" },
      example: "3f1c9b1e-8a8e-4f6e-9d0a-7b2f5c4e1d20",
    },
  },
  headers: {
    RequestId: {
      description: "The id of this request; quote it when you contact support.",
      required: true,
      schema: { type: "string" },
      example: "req_8f14e45fceea167a5a36dedd4bea2543",
    },
    RetryAfter: {
      description: "Seconds to wait before retrying.",
      required: true,
      schema: { type: "integer", minimum: 1 },
      example: 1,
    },
    RateLimitLimit: {
      description: "The API key's request bucket: how many requests it may send at once (twice its sustained rate per second).",
      required: true,
      schema: { type: "integer" },
      example: 200,
    },
    RateLimitRemaining: {
      description: "Requests the API key may still send at once.",
      required: true,
      schema: { type: "integer" },
      example: 199,
    },
    RateLimitReset: {
      description: "Seconds until the bucket is full again.",
      required: true,
      schema: { type: "integer" },
      example: 1,
    },
  },
} as const;

const header = (name: keyof typeof COMPONENTS.headers) => ({ $ref: `#/components/headers/${name}` });

const RATE_LIMIT_HEADERS = {
  "RateLimit-Limit": header("RateLimitLimit"),
  "RateLimit-Remaining": header("RateLimitRemaining"),
  "RateLimit-Reset": header("RateLimitReset"),
};

// Answered before the rate limiter is reached (401: no key; 403: a key without the permission; 413: refused
// while the body arrives; 500: possibly before it), so not always with the
// RateLimit headers. Every other answer to an authenticated request has them.
const BEFORE_RATE_LIMIT = new Set(["401", "403", "413", "500"]);

/** An error the middleware of a group of routes can answer with, documented on each of them. */
interface ErrorCase {
  status: string;
  /** A sentence, joined to the description of a response the route already declares for the status. */
  description: string;
  error: ApiError;
  retryAfter?: boolean;
}

const RATE_LIMITED: ErrorCase = {
  status: "429",
  description: "This API key sent more requests than its rate limit allows (rate_limit_exceeded): retry after Retry-After seconds.",
  error: errors.rateLimited(1),
  retryAfter: true,
};

const IDEMPOTENCY_ERRORS: ErrorCase[] = [
  {
    status: "400",
    description: `The Idempotency-Key header is not 1-${IDEMPOTENCY.maxKeyLength} printable ASCII characters (idempotency_key_invalid).`,
    error: errors.idempotencyKeyInvalid(IDEMPOTENCY.maxKeyLength),
  },
  {
    status: "400",
    description: "The Idempotency-Key was first used with other parameters (idempotency_error, idempotency_parameters_mismatch).",
    error: errors.idempotencyMismatch("3f1c9b1e-8a8e-4f6e-9d0a-7b2f5c4e1d20"),
  },
  {
    status: "409",
    description:
      "A request with this Idempotency-Key is still running (idempotency_error, idempotency_key_in_use): retry after Retry-After seconds to get its result.",
    error: errors.idempotencyKeyInUse("3f1c9b1e-8a8e-4f6e-9d0a-7b2f5c4e1d20"),
    retryAfter: true,
  },
];

interface Media {
  schema?: unknown;
  example?: { error?: { code?: string } };
  examples?: Record<string, { value: unknown }>;
}

interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, Media>;
}

/** The media type's examples, named by error code. */
function namedExamples(media: Media): Record<string, { value: unknown }> {
  if (media.examples) return media.examples;
  return media.example ? { [media.example.error?.code ?? "example"]: { value: media.example } } : {};
}

/**
 * Documents the error on the operation: as a new response, or as one more case
 * of the response it already declares for that status (its examples then
 * named by error code).
 */
function addErrorCase(responses: Record<string, Response>, { status, description, error, retryAfter }: ErrorCase): void {
  const example = error.toJSON();
  const existing = responses[status];
  if (!existing) {
    responses[status] = {
      description,
      ...(retryAfter ? { headers: { "Retry-After": header("RetryAfter") } } : {}),
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, example } },
    };
    return;
  }
  existing.description = `${existing.description.replace(/\.?$/, ".")} ${description}`;
  const media = existing.content!["application/json"]!;
  media.examples = { ...namedExamples(media), [error.code]: { value: example } };
  delete media.example;
  // Not on the response's other cases, so not a header it always has.
  if (retryAfter && !existing.headers?.["Retry-After"]) {
    existing.headers = {
      ...existing.headers,
      "Retry-After": { description: `With ${error.code}: seconds to wait before retrying.`, schema: { type: "integer" } },
    };
  }
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

export function buildDocument(app: OpenAPIHono<AppEnv>, publicPaths: string[]) {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "OmniFlow API",
      version: "1.0.0",
      description:
        "One REST API for SMS, WhatsApp and email. Authenticate with your secret API key, as the HTTP Basic username (no password) or as a Bearer token. Request bodies may be JSON or form-encoded with bracket notation (content[variables][code]=849201).",
    },
    servers: [PRODUCTION_SERVER],
    security: [{ basicAuth: [] }, { bearerAuth: [] }],
  });
  const components = (document.components ??= {}) as Record<string, Record<string, unknown>>;
  for (const [type, entries] of Object.entries(structuredClone(COMPONENTS))) components[type] = { ...components[type], ...entries };

  // Matched as the auth middleware matches them (hono/combine `except`).
  const publicRoutes = new TrieRouter<true>();
  for (const pattern of publicPaths) publicRoutes.add("ALL", pattern, true);

  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const isPublic = publicRoutes.match("ALL", path)[0].length > 0;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const responses = (operation.responses ??= {}) as Record<string, Response>;
      if (isPublic) operation.security = [];
      else {
        addErrorCase(responses, RATE_LIMITED);
        if (method === "post") {
          operation.parameters = [...(operation.parameters ?? []), { $ref: "#/components/parameters/IdempotencyKey" }];
          for (const errorCase of IDEMPOTENCY_ERRORS) addErrorCase(responses, errorCase);
        }
      }
      for (const [status, response] of Object.entries(responses)) {
        const rateLimited = !isPublic && !BEFORE_RATE_LIMIT.has(status);
        response.headers = { "X-Request-Id": header("RequestId"), ...(rateLimited ? RATE_LIMIT_HEADERS : {}), ...response.headers };
      }
    }
  }
  // app.route() prefixes webhook names as if they were paths ("//messageStatus").
  document.webhooks = Object.fromEntries(Object.entries(document.webhooks ?? {}).map(([name, item]) => [name.replace(/^\/+/, ""), item]));
  return document;
}
