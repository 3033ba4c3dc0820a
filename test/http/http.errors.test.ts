// Requests the API cannot take: each a clear 4xx in the error envelope, with nothing stored.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_MEDIA_BODY_BYTES } from "../../src/http/body.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";

describe("malformed JSON", () => {
  it.each(['{"channel": "SMS",', "{channel: 'SMS'}", " ", "\u0000"])("answers 400 invalid_json for %j and stores nothing", async (body) => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, body, headers: { "Content-Type": "application/json" } });
    await expectError(res, 400, { type: "invalid_request_error", code: "invalid_json" });
    expect(await messageCount(account.id)).toBe(0);
  });
});

describe("content type", () => {
  it.each([
    ["text/plain", { "Content-Type": "text/plain" }],
    ["multipart/form-data", { "Content-Type": "multipart/form-data; boundary=x" }],
    ["application/xml", { "Content-Type": "application/xml" }],
  ])("answers 415 for a valid JSON body sent as %s, and stores nothing", async (_type, headers) => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, body: JSON.stringify(smsBody()), headers });
    await expectError(res, 415, { type: "invalid_request_error", code: "unsupported_media_type" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it("answers 415 for a body without a Content-Type, and stores nothing", async () => {
    const account = await createAccount();
    // Bytes, unlike a string, get no default Content-Type.
    const request = new Request("http://api.omniflow.test/v1/messages", {
      method: "POST",
      headers: { Authorization: `Bearer ${account.key}` },
      body: new TextEncoder().encode(JSON.stringify(smsBody())),
    });
    expect(request.headers.get("Content-Type")).toBeNull();
    const res = await exports.default.fetch(request);
    await expectError(res, 415, { type: "invalid_request_error", code: "unsupported_media_type" });
    expect(await messageCount(account.id)).toBe(0);
  });
});

describe("unknown routes", () => {
  it.each([
    ["outside the API", "/nowhere"],
    ["under /v1", "/v1/nowhere"],
    ["below a message", "/v1/messages/msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f/attachments"],
  ])("answer 404 route_not_found %s", async (_case, path) => {
    const account = await createAccount();
    const error = await expectError(await api(path, { key: account.key }), 404, { type: "invalid_request_error", code: "route_not_found" });
    expect(error.message).toContain(path);
  });
});

describe("wrong method", () => {
  it.each([
    ["DELETE", "/v1/messages", "GET, HEAD, POST"],
    ["PUT", "/v1/messages", "GET, HEAD, POST"],
    ["PATCH", "/v1/messages/msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f", "GET, HEAD"],
    ["POST", "/v1/messages/msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f", "GET, HEAD"],
    ["POST", "/healthz", "GET, HEAD"],
  ])("answers 405 for %s %s with an Allow header, and stores nothing", async (method, path, allow) => {
    const account = await createAccount();
    const res = await api(path, { key: account.key, method, json: smsBody() });
    await expectError(res, 405, { type: "invalid_request_error", code: "method_not_allowed" });
    expect(res.headers.get("Allow")?.split(", ").sort()).toEqual(allow.split(", ").sort());
    expect(await messageCount(account.id)).toBe(0);
  });
});

// The create's limit: its files ride in its body as base64 (src/http/body.ts). Other routes keep MAX_BODY_BYTES (the bad-input corpus).
const CREATE_LIMIT = MAX_MEDIA_BODY_BYTES;

describe("body size", () => {
  // A valid email message padded with JSON whitespace to exactly `bytes`.
  const emailOfSize = (bytes: number) => {
    const json = JSON.stringify({ channel: "EMAIL", to: "ana@example.com", content: { subject: "Report", html: "a".repeat(100_000) } });
    return `${json.slice(0, -1)}${" ".repeat(bytes - json.length)}}`;
  };

  it("accepts a body of exactly 35 MiB", async () => {
    const account = await createAccount();
    const body = emailOfSize(CREATE_LIMIT);
    expect(new TextEncoder().encode(body).byteLength).toBe(35 * 1024 * 1024);
    const res = await api("/v1/messages", { key: account.key, body, headers: { "Content-Type": "application/json" } });
    expect(res.status).toBe(201);
  });

  it("answers 413 for one byte more, and stores nothing", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, body: emailOfSize(CREATE_LIMIT + 1), headers: { "Content-Type": "application/json" } });
    await expectError(res, 413, { type: "invalid_request_error", code: "media_too_large", param: "content" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it("answers 413 for an oversized body streamed without a Content-Length, and stores nothing", async () => {
    const account = await createAccount();
    const bytes = new TextEncoder().encode(emailOfSize(CREATE_LIMIT + 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 16 * 1024) controller.enqueue(bytes.slice(offset, offset + 16 * 1024));
        controller.close();
      },
    });
    const request = new Request("http://api.omniflow.test/v1/messages", {
      method: "POST",
      headers: { Authorization: `Bearer ${account.key}`, "Content-Type": "application/json" },
      body: stream,
    });
    expect(request.headers.get("Content-Length")).toBeNull();
    await expectError(await exports.default.fetch(request), 413, { type: "invalid_request_error", code: "media_too_large" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it("answers 413 for a form-encoded body over the limit", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, form: `channel=sms&to=%2B14155550123&content[text]=${"a".repeat(CREATE_LIMIT)}` });
    await expectError(res, 413, { code: "media_too_large" });
    expect(await messageCount(account.id)).toBe(0);
  });
});
