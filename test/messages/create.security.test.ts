// status_callback is an SSRF surface: OmniFlow will POST to it. Live keys may
// only name a public host by DNS name over https; test keys may also use http
// and the developer's own machine, but never the private network or metadata.
import { describe, expect, it } from "vitest";
import type { Mode } from "../../src/domain/account.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";

async function withCallback(mode: Mode, url: unknown) {
  const account = await createAccount(mode);
  // Live accounts start without senders (test accounts have the sandbox's).
  if (mode === "live") await bindSender(account, "sms");
  const res = await api("/v1/messages", { key: account.key, json: smsBody({ status_callback: url }) });
  return { account, res };
}

async function expectCallbackRefused(mode: Mode, url: unknown) {
  const { account, res } = await withCallback(mode, url);
  await expectError(res, 400, { type: "invalid_request_error", code: "parameter_invalid", param: "status_callback" });
  expect(await messageCount(account.id)).toBe(0);
}

async function expectCallbackAccepted(mode: Mode, url: string) {
  const { account, res } = await withCallback(mode, url);
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ status_callback: url });
  expect(await messageCount(account.id)).toBe(1);
}

// Refused for both modes: not a URL, not http(s), credentials, private networks, metadata.
const refusedEverywhere = [
  "not a url",
  "/webhooks/omniflow",
  "ftp://your-app.com/hook",
  "javascript:alert(1)",
  "file:///etc/passwd",
  "https://user:pass@your-app.com/hook",
  "http://10.0.0.5/hook",
  "https://10.0.0.5/hook",
  "http://172.16.3.4/hook",
  "http://192.168.1.10/hook",
  "http://169.254.169.254/latest/meta-data/",
  "http://[fe80::1]/hook",
  "http://[fd00::1]/hook",
  "http://[::ffff:10.0.0.1]/hook",
  "http://[::ffff:169.254.169.254]/hook",
  "http://100.64.0.1/hook",
  "http://0.0.0.0/hook",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://metadata/hook",
  "http://printer.local/hook",
  "http://nas.lan/hook",
  "http://router.home.arpa/hook",
  `https://your-app.com/${"a".repeat(2048)}`,
];

describe("status_callback with a live key", () => {
  it.each([
    ...refusedEverywhere,
    "http://your-app.com/webhooks/omniflow",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://LOCALHOST./hook",
    "https://127.0.0.1/hook",
    "https://127.1/hook",
    "https://2130706433/hook",
    "https://0x7f000001/hook",
    "https://[::1]/hook",
    "https://8.8.8.8/hook",
    "https://[2606:4700::1111]/hook",
    "https://intranet/hook",
    "https://metadata/hook",
    "https://service.internal/hook",
    "https://service.corp/hook",
  ])("refuses %s", async (url) => {
    await expectCallbackRefused("live", url);
  });

  it.each(["https://your-app.com/webhooks/omniflow", "https://hooks.example.co.uk:8443/omniflow?tenant=1"])("accepts %s", async (url) => {
    await expectCallbackAccepted("live", url);
  });
});

describe("status_callback with a test key", () => {
  it.each([
    "http://localhost:3000/hooks",
    "http://127.0.0.1:8080/hooks",
    "http://[::1]:3000/hooks",
    "http://app.localhost/hooks",
    "http://your-app.com/hooks",
    "https://your-app.com/hooks",
  ])("accepts %s, for local development", async (url) => {
    await expectCallbackAccepted("test", url);
  });

  it.each(refusedEverywhere)("still refuses %s", async (url) => {
    await expectCallbackRefused("test", url);
  });

  it.each([
    ["a number", 42],
    ["an object", { url: "https://your-app.com" }],
    ["empty", ""],
  ])("refuses a status_callback that is %s", async (_case, url) => {
    await expectCallbackRefused("test", url);
  });
});

// Email senders and subjects become message headers: a line break in them
// would let a caller add headers of their own (Bcc:, Reply-To:).
describe("email header fields", () => {
  const email = (overrides: Record<string, unknown>, content: Record<string, unknown> = {}) => ({
    channel: "EMAIL",
    to: "ana@example.com",
    content: { subject: "Receipt", text: "Thanks", ...content },
    ...overrides,
  });

  it.each([
    ["from", email({ from: "OmniFlow\r\nBcc: victim@example.com <noreply@omniflow.dev>" })],
    ["from", email({ from: "OmniFlow\nBcc: victim@example.com <noreply@omniflow.dev>" })],
    ["content[subject]", email({}, { subject: "Receipt\r\nBcc: victim@example.com" })],
    ["content[subject]", email({}, { subject: "Receipt\nBcc: victim@example.com" })],
  ])("refuse a line break in %s", async (param, body) => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, json: body });
    await expectError(res, 400, { type: "invalid_request_error", param });
    expect(await messageCount(account.id)).toBe(0);
  });

  it("accept a display name and subject without line breaks", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, json: email({ from: "Ana's Shop <shop@example.com>" }, { subject: "Your receipt: #42" }) });
    expect(res.status).toBe(201);
  });
});
