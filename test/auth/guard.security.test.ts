// Each route declares its own API key guard (src/http/auth.ts apiKey): one
// that forgot it would be open. Swept over the OpenAPI document, so a new
// route is checked without being listed: every authenticated operation is a
// 401 without a key, before any 400 for its parameters or body, and answers
// under the key's rate limit with one.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { operationsOf, servedDocument } from "../openapi/operations.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { countD1Statements } from "../support/db.ts";

const document = await servedDocument();
const authenticated = operationsOf(document)
  .filter((operation) => operation.authenticated)
  .map((operation) => [operation.name, operation] as const);

afterEach(() => vi.restoreAllMocks());

let account: TestAccount;
beforeAll(async () => {
  account = await createAccount("test", { rateLimitRps: 10_000 });
});

// A path whose {params} break their patterns, and a body no schema accepts: a 400 if the key were not checked first.
const badPath = (path: string) => path.replace(/\{\w+\}/g, "not an id");
const badBody = (method: string) => (method === "GET" || method === "DELETE" ? {} : { json: { not_a_parameter: true } });

describe("every authenticated operation in the document", () => {
  it("is more than a handful", () => {
    expect(authenticated.length).toBeGreaterThan(20);
  });

  it.each(authenticated)("%s: without a key, a 401 before any 400", async (_, { method, path }) => {
    const res = await api(badPath(path), { key: null, method, ...badBody(method) });
    await expectError(res, 401, { type: "authentication_error", code: "missing_api_key" });
  });

  it.each(authenticated)("%s: with a key, answered under its rate limit", async (_, { method, path }) => {
    const res = await api(badPath(path), { key: account.key, method, ...badBody(method) });
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("RateLimit-Limit")).not.toBeNull();
  });
});

describe("a key that is not proven", () => {
  const posts = authenticated.filter(([, operation]) => operation.method === "POST");

  it.each(posts)("%s: with an Idempotency-Key, a 401 with no D1 statement about the account", async (_, { path }) => {
    const owner = await createAccount();
    // The gate knows the account's keys already (a first request), as it does for any account in use.
    expect((await api("/v1/account", { key: owner.key })).status).toBe(200);
    const counts = countD1Statements([owner.id]);
    const wrongSecret = `${owner.key.slice(0, -4)}${owner.key.endsWith("0000") ? "1111" : "0000"}`;
    const res = await api(path.replace(/\{\w+\}/g, "not_an_id"), { key: wrongSecret, method: "POST", json: {}, headers: { "Idempotency-Key": "unproven" } });
    await expectError(res, 401, { type: "authentication_error", code: "invalid_api_key" });
    expect(counts).toEqual({ reads: 0, writes: 0, roundTrips: 0 });
  });
});

describe("a path no route takes", () => {
  it("is a 401 without a key and a rate-limited 404 with one", async () => {
    await expectError(await api("/v1/nothing-here", { key: null }), 401, { type: "authentication_error", code: "missing_api_key" });
    const res = await api("/v1/nothing-here", { key: account.key });
    await expectError(res, 404, { code: "route_not_found" });
    expect(res.headers.get("RateLimit-Limit")).not.toBeNull();
  });

  it("is a plain 404 under a public prefix, where no key is asked for", async () => {
    await expectError(await api("/v1/providers/nothing-here", { key: null }), 404, { code: "route_not_found" });
  });
});
