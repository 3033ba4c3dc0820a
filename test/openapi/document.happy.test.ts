import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { ErrorSchema } from "../../src/http/openapi-schemas.ts";
import { createRouter } from "../../src/http/router.ts";
import { api } from "../support/api.ts";
import { type OpenApiDocument, type Operation, operationsOf, servedDocument } from "./operations.ts";

interface ErrorBody {
  error: { code: string };
}

const IDEMPOTENCY_KEY = { $ref: "#/components/parameters/IdempotencyKey" };

describe("GET /v1/openapi.json", () => {
  it("serves the OpenAPI 3.1 document without an API key, and ignores a bad one", async () => {
    const res = await api("/v1/openapi.json", { key: null });
    expect(res.status).toBe(200);
    const document = await res.json<OpenApiDocument>();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toContain("/v1/messages/{id}");
    const withBadKey = await api("/v1/openapi.json", { key: "sk_test_v2_nope" });
    expect(withBadKey.status).toBe(200);
  });

  it("documents both auth schemes: Basic with the key as username, and Bearer", async () => {
    const document = await servedDocument();
    expect(document.components.securitySchemes).toMatchObject({
      basicAuth: { type: "http", scheme: "basic" },
      bearerAuth: { type: "http", scheme: "bearer" },
    });
    expect(document.security).toEqual([{ basicAuth: [] }, { bearerAuth: [] }]);
  });

  it("documents both body media types and the optional Idempotency-Key header on create", async () => {
    const create = (await servedDocument()).paths["/v1/messages"]!.post!;
    expect(Object.keys(create.requestBody!.content)).toEqual(["application/json", "application/x-www-form-urlencoded"]);
    expect(create.parameters).toContainEqual(IDEMPOTENCY_KEY);
  });

  it("documents the rate limit on every authenticated route, and the Idempotency-Key's errors on every authenticated POST", async () => {
    const codes = (response: Operation["responses"][string] | undefined) => {
      const media = (response?.content?.["application/json"] ?? {}) as { example?: ErrorBody; examples?: Record<string, { value: ErrorBody }> };
      return [media.example, ...Object.values(media.examples ?? {}).map((example) => example.value)].flatMap((body) => (body ? [body.error.code] : []));
    };
    const authenticated = operationsOf(await servedDocument()).filter((route) => route.authenticated);
    expect(authenticated.length).toBeGreaterThan(10);
    for (const { name, method, operation } of authenticated) {
      const success = Object.keys(operation.responses).find((status) => status.startsWith("2"))!;
      expect(Object.keys(operation.responses[success]!.headers!), name).toEqual(
        expect.arrayContaining(["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]),
      );
      expect(operation.responses["429"]?.headers, name).toHaveProperty("Retry-After");
      expect(codes(operation.responses["429"]), name).toContain("rate_limit_exceeded");
      if (method !== "POST") continue;
      expect(codes(operation.responses["400"]), name).toEqual(expect.arrayContaining(["idempotency_key_invalid", "idempotency_parameters_mismatch"]));
      expect(codes(operation.responses["409"]), name).toContain("idempotency_key_in_use");
      expect(operation.responses["409"]?.headers, name).toHaveProperty("Retry-After");
    }
    const create = (await servedDocument()).paths["/v1/messages"]!.post!;
    expect(codes(create.responses["429"])).toEqual(["daily_limit_exceeded", "rate_limit_exceeded"]);
  });

  it("documents the list filters of GET /v1/messages as query parameters", async () => {
    const list = (await servedDocument()).paths["/v1/messages"]!.get!;
    const names = (list.parameters as { name: string; in: string }[]).filter((parameter) => parameter.in === "query").map((parameter) => parameter.name);
    expect(names).toEqual(["limit", "cursor", "status", "direction", "channel", "to", "batch_id", "created[gte]", "created[lte]", "metadata"]);
  });

  it("documents the X-Request-Id header on every response", async () => {
    for (const { operation } of operationsOf(await servedDocument())) {
      for (const response of Object.values(operation.responses)) expect(response.headers).toHaveProperty("X-Request-Id");
    }
  });
});

describe("the document of an app", () => {
  const ok = { 200: { content: { "application/json": { schema: ErrorSchema } }, description: "ok" } };
  const route = (path: string, operationId: string) => createRoute({ method: "post", path, operationId, responses: ok });
  const answer = (c: Context) => c.json({ error: { type: "api_error" as const, code: "x", message: "x" } }, 200);
  const app = createApp([
    createRouter().openapi(route("/v1/things", "createThing"), answer).openapi(route("/v1/providers/{provider}/status", "providerStatus"), answer),
  ]);

  it("includes whatever routes the app registers; public paths need no key and take no Idempotency-Key", async () => {
    const document = (await (await app.request("/v1/openapi.json", {}, {} as Env)).json()) as OpenApiDocument;
    const thing = document.paths["/v1/things"]!.post!;
    const provider = document.paths["/v1/providers/{provider}/status"]!.post!;
    expect(thing.security).toBeUndefined();
    expect(thing.parameters).toContainEqual(IDEMPOTENCY_KEY);
    expect(provider.security).toEqual([]);
    expect(provider.parameters ?? []).not.toContainEqual(IDEMPOTENCY_KEY);
  });
});

describe("GET /docs", () => {
  it("serves the interactive reference without an API key, reading the document and trying requests on this server", async () => {
    const res = await api("/docs", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("/v1/openapi.json");
    expect(html).toContain("http://api.omniflow.test");
  });

  it("loads its script from this server, and nothing from another origin", async () => {
    const html = await (await api("/docs", { key: null })).text();
    const sources = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources).toContain("/docs/scalar.js");
    expect(sources.filter((source) => /^(https?:)?\/\//.test(source))).toEqual([]);
    expect(html).not.toMatch(/jsdelivr|fonts\.scalar\.com|unpkg/);
    const script = await api("/docs/scalar.js", { key: null });
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    // Scalar's standalone bundle mounts itself on the page's data-url element.
    expect((await script.text()).length).toBeGreaterThan(1_000_000);
  });
});
