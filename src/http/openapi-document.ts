// The OpenAPI 3.1 document, built from whatever routes the app registers.
// The routes declare themselves (createRoute); what applies to routes as a
// group is added here, from the same facts the middleware acts on: both auth
// schemes except on public paths, Idempotency-Key on every authenticated POST,
// and the X-Request-Id header on every response.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { TrieRouter } from "hono/router/trie-router";
import type { AppEnv } from "./context.ts";

export const OPENAPI_PATH = "/v1/openapi.json";
export const DOCS_PATH = "/docs";
export const PRODUCTION_SERVER = { url: "https://api.omniflow.com", description: "Production" };

const COMPONENTS = {
  securitySchemes: {
    basicAuth: {
      type: "http",
      scheme: "basic",
      description: "Your API key as the username, with an empty password: curl -u sk_test_v2_...:",
    },
    bearerAuth: { type: "http", scheme: "bearer", description: "Your API key as a bearer token: Authorization: Bearer sk_test_v2_..." },
  },
  parameters: {
    IdempotencyKey: {
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "Makes a retry safe: a retry with the same key and the same parameters replays the first response (with Idempotent-Replayed: true) instead of acting twice.",
      schema: { type: "string", minLength: 1, maxLength: 255 },
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
  },
} as const;

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
      if (isPublic) operation.security = [];
      else if (method === "post") {
        operation.parameters = [...(operation.parameters ?? []), { $ref: "#/components/parameters/IdempotencyKey" }];
      }
      for (const response of Object.values(operation.responses ?? {})) {
        response.headers = { "X-Request-Id": { $ref: "#/components/headers/RequestId" }, ...response.headers };
      }
    }
  }
  // app.route() prefixes webhook names as if they were paths ("//messageStatus").
  document.webhooks = Object.fromEntries(Object.entries(document.webhooks ?? {}).map(([name, item]) => [name.replace(/^\/+/, ""), item]));
  return document;
}
