import { beforeAll, describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createTemplate } from "../support/resources.ts";
import { nothingStoredRun } from "../support/state.ts";
import { type BadRequest, CORPUS, EXISTING_TEMPLATE } from "./corpus.ts";

const ERROR_TYPES = ["invalid_request_error", "authentication_error", "permission_error", "rate_limit_error", "idempotency_error", "api_error"];

function send(account: TestAccount, bad: BadRequest): Promise<Response> {
  const headers: Record<string, string> = { ...bad.headers };
  if (bad.authorization !== undefined && bad.authorization !== null) headers.Authorization = bad.authorization;
  const key = bad.authorization === undefined ? account.key : null;
  const body = bad.body;
  if (body && "raw" in body) {
    if (body.contentType) headers["Content-Type"] = body.contentType;
    return api(bad.path, { key, method: bad.method, headers, body: body.raw });
  }
  return api(bad.path, {
    key,
    method: bad.method,
    headers,
    json: body && "json" in body ? body.json : undefined,
    form: body && "form" in body ? body.form : undefined,
  });
}

describe("bad-input corpus", () => {
  let account: TestAccount;
  let other: TestAccount;
  // Each request of the corpus stores nothing, so one check's state after is the next one's before.
  let expectNothingStored: ReturnType<typeof nothingStoredRun>;
  // One account for the whole corpus, with room for it under the rate limit,
  // and another account that no request may touch.
  beforeAll(async () => {
    account = await createAccount("test", { rateLimitRps: 10_000 });
    other = await createAccount();
    await createTemplate(account, EXISTING_TEMPLATE);
    expectNothingStored = nothingStoredRun([account, other]);
  });

  it("has at least 150 malformed requests", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CORPUS.map((bad) => bad.name)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.map((bad) => [bad.name, bad] as const))("%s", async (_, bad) => {
    // Rows of every table, Idempotency-Key records and the rate limiter's durable state, of both accounts.
    const res = await expectNothingStored(() => send(account, bad));
    expect(res.status, "never a 5xx").toBeLessThan(500);
    expect(res.status).toBe(bad.status);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = await res.json<{ error: Record<string, unknown> }>();
    expect(Object.keys(body)).toEqual(["error"]);
    expect(ERROR_TYPES).toContain(body.error.type);
    expect(body.error.message).toEqual(expect.any(String));
    if (bad.code !== undefined) expect(body.error.code).toBe(bad.code);
    if (bad.param !== undefined) expect(body.error.param).toBe(bad.param);
  });
});
