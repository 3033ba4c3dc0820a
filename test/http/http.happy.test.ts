// What every response has in common, and the unauthenticated health check.
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";

afterEach(() => vi.restoreAllMocks());

describe("GET /healthz", () => {
  it("answers 200 without an API key and without touching storage", async () => {
    const prepare = vi.spyOn(env.CONTROL_DB, "prepare");
    const res = await exports.default.fetch("http://api.omniflow.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("X-Request-Id")).toMatch(/^req_[0-9a-f]{32}$/);
    expect(prepare).not.toHaveBeenCalled();
  });
});

describe("request bodies", () => {
  it.each(["application/json; charset=utf-8", "Application/JSON"])("accepts JSON sent as %s", async (contentType) => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, body: JSON.stringify(smsBody()), headers: { "Content-Type": contentType } });
    expect(res.status).toBe(201);
  });

  it("accepts a form body sent with a charset", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", {
      key: account.key,
      body: "channel=sms&to=%2B14155550123&content[text]=hi",
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
    });
    expect(res.status).toBe(201);
  });
});

describe("X-Request-Id", () => {
  it("is on every response, different for each request", async () => {
    const account = await createAccount();
    const responses = [
      await exports.default.fetch("http://api.omniflow.test/healthz"),
      await api("/v1/messages", { key: account.key, json: smsBody() }),
      await api("/v1/messages", { key: account.key }),
      await api("/v1/messages", { key: account.key, json: smsBody({ channel: "FAX" }) }),
      await api("/v1/messages", { key: null }),
      await api("/v1/messages/msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f", { key: account.key }),
      await api("/nowhere", { key: null }),
      await api("/v1/messages", { key: account.key, method: "DELETE" }),
      await api("/v1/messages", { key: account.key, body: "x", headers: { "Content-Type": "text/plain" } }),
    ];
    expect(responses.map((res) => res.status)).toEqual([200, 201, 200, 400, 401, 404, 404, 405, 415]);
    const ids = responses.map((res) => res.headers.get("X-Request-Id"));
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
