// What a client can learn from, or do to, the API's plumbing: an unexpected
// failure is a bare 500 api_error (details go to the log under the request id),
// and the request id is always ours.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { failMessageQueries } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";

afterEach(() => vi.restoreAllMocks());

describe("unexpected failures", () => {
  it.each([
    ["listing", "GET", "/v1/messages"],
    ["retrieving", "GET", "/v1/messages/msg_019ec8f3a1b27c3d8e9f0a1b2c3d0001"],
    ["creating", "POST", "/v1/messages"],
  ])("answer 500 api_error with no internals when %s fails", async (_case, method, path) => {
    const account = await createAccount();
    const { failing } = failMessageQueries();
    const res = await api(path, { key: account.key, method, ...(method === "POST" ? { json: smsBody() } : {}) });
    // The failure is D1's: a message database refused a query.
    expect(failing.some((prepare) => prepare.mock.calls.length > 0)).toBe(true);
    const requestId = res.headers.get("X-Request-Id");
    expect(requestId).toMatch(/^req_/);
    const text = await res.clone().text();
    const error = await expectError(res, 500, { type: "api_error", code: "internal_error" });
    expect(error.message).toContain("X-Request-Id");
    for (const leak of ["D1_ERROR", "reference", "at ", ".ts", "stack", "Error:"]) expect(text).not.toContain(leak);
  });

  it("logs the failure with the request id, so support can find it", async () => {
    const account = await createAccount();
    const { log } = failMessageQueries();
    const res = await api("/v1/messages", { key: account.key });
    expect(res.status).toBe(500);
    const logged = log.mock.calls.map((args) => args.join(" ")).join("\n");
    expect(logged).toContain(res.headers.get("X-Request-Id"));
    expect(logged).toContain("D1_ERROR");
  });
});

describe("request ids", () => {
  it.each(["req_00000000000000000000000000000000", "support-ticket-1234"])("never adopts one sent by the client (%s)", async (sent) => {
    const account = await createAccount();
    for (const res of [
      await api("/v1/messages", { key: account.key, headers: { "X-Request-Id": sent } }),
      await api("/v1/messages", { key: null, headers: { "X-Request-Id": sent } }),
    ]) {
      const id = res.headers.get("X-Request-Id");
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      expect(id).not.toBe(sent);
    }
  });
});

describe("caching", () => {
  // A shared cache or the browser's history must never keep an authenticated
  // answer: GET /v1/account holds the webhook signing secret.
  it.each([
    ["the account with its secret", "GET", "/v1/account", undefined, 200],
    ["a list", "GET", "/v1/messages", undefined, 200],
    ["a created message", "POST", "/v1/messages", smsBody(), 201],
    ["a roll of the secret", "POST", "/v1/account/webhook_secret/roll", undefined, 200],
    ["a validation error", "POST", "/v1/messages", { channel: "FAX" }, 400],
    ["another account's message, or none", "GET", "/v1/messages/msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f", undefined, 404],
    ["an unknown route under /v1", "GET", "/v1/nothing-here", undefined, 404],
  ])("marks %s Cache-Control: no-store", async (_case, method, path, json, status) => {
    const account = await createAccount();
    const res = await api(path, { key: account.key, method, json });
    expect(res.status).toBe(status);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("marks a refused key's 401 no-store too", async () => {
    const res = await api("/v1/account", { key: "sk_test_v2_nope" });
    expect(res.status).toBe(401);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });
});
