// status_callback is an SSRF surface, checked when the message is created and
// again before each delivery. Expected values from the standards, not the code:
// - a DNS name has no empty label (RFC 1034 3.1: only the root label is empty),
//   so "localhost..", "a..b" and a trailing dot are no public host a tenant needs;
// - reserved names that never resolve publicly: .test, .example, .invalid,
//   .localhost (RFC 2606/6761), .local (RFC 6762), .home.arpa (RFC 8375), .arpa
//   (reverse lookups, RFC 3172), and .localdomain/.home that resolvers and home
//   routers answer locally;
// - a live callback goes to the https port (443) or the common alternative
//   8443, never to another service's port (6379 Redis, 22 SSH...).
// Test keys keep their local-development allowances: http, loopback, any port.
import { describe, expect, it } from "vitest";
import type { Mode } from "../../src/domain/account.ts";
import { callbackUrlProblem } from "../../src/domain/callback-url.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";

async function create(mode: Mode, url: string) {
  const account = await createAccount(mode);
  if (mode === "live") await bindSender(account, "sms");
  return { account, res: await api("/v1/messages", { key: account.key, json: smsBody({ status_callback: url }) }) };
}

const DOTS_AND_EMPTY_LABELS = [
  "https://localhost../hook",
  "https://localhost.../hook",
  "https://localhost%2e%2e/hook",
  "https://metadata../hook",
  "https://metadata.../hook",
  "https://your-app.com./hook",
  "https://your-app.com../hook",
  "https://a..your-app.com/hook",
  "https://.your-app.com/hook",
  "https://your-app%2e.com/hook",
];

const INTERNAL_NAMES = [
  "https://router.localdomain/hook",
  "https://localhost.localdomain/hook",
  "https://nas.home/hook",
  "https://api.test/hook",
  "https://hooks.your-app.test/hook",
  "https://nothing.invalid/hook",
  "https://hooks.example/hook",
  "https://1.0.0.10.in-addr.arpa/hook",
  "https://router.home.arpa/hook",
  "https://HOOKS.EXAMPLE/hook",
];

describe("status_callback with a live key", () => {
  it.each([...DOTS_AND_EMPTY_LABELS, ...INTERNAL_NAMES])("refuses %s with a 400 naming status_callback, storing nothing", async (url) => {
    const { account, res } = await create("live", url);
    await expectError(res, 400, { code: "parameter_invalid", param: "status_callback" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it.each([
    "https://your-app.com:6379/hook",
    "https://your-app.com:22/hook",
    "https://your-app.com:80/hook",
    "https://your-app.com:8080/hook",
    "https://your-app.com:444/hook",
    "https://your-app.com:1/hook",
  ])("refuses the port of %s", async (url) => {
    const { account, res } = await create("live", url);
    const error = await expectError(res, 400, { code: "parameter_invalid", param: "status_callback" });
    expect(error.message).toMatch(/443/);
    expect(await messageCount(account.id)).toBe(0);
  });

  it.each([
    "https://your-app.com/hook",
    "https://your-app.com:443/hook",
    "https://your-app.com:8443/hook",
    "https://hooks.testing-app.com/hook",
    "https://arpa-hooks.com/hook",
    "https://home.your-app.com/hook",
  ])("accepts %s", async (url) => {
    const { account, res } = await create("live", url);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await messageCount(account.id)).toBe(1);
  });

  it("refuses the same URLs again at delivery time", () => {
    for (const url of [...DOTS_AND_EMPTY_LABELS, ...INTERNAL_NAMES, "https://your-app.com:6379/hook"])
      expect(callbackUrlProblem(url, "live"), url).not.toBeNull();
  });
});

describe("status_callback with a test key", () => {
  it.each([...DOTS_AND_EMPTY_LABELS.map((url) => url.replace("https:", "http:")), ...INTERNAL_NAMES])("still refuses %s", async (url) => {
    const { account, res } = await create("test", url);
    await expectError(res, 400, { code: "parameter_invalid", param: "status_callback" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it.each(["http://localhost:3000/hooks", "http://127.0.0.1:8080/hooks", "https://your-app.com:8080/hooks", "http://your-app.com:6379/hooks"])(
    "keeps any port for local development: accepts %s",
    async (url) => {
      const { res } = await create("test", url);
      expect(res.status, await res.clone().text()).toBe(201);
    },
  );
});

// The test-mode rule itself (docs/api-guide.md: a test key may point callbacks at the developer's own machine), each URL
// checked under both keys: what a test key may use, a live key may not, at create and again at delivery.
describe("loopback callbacks: a test key's allowance that a live key never has", () => {
  it.each([
    "http://localhost:3000/hooks",
    "https://localhost/hooks",
    "http://app.localhost:8787/hooks",
    "http://127.0.0.1:8080/hooks",
    "https://127.0.0.1/hooks",
    "http://127.9.9.9/hooks",
    "http://[::1]:3000/hooks",
    "https://[::1]/hooks",
  ])("%s: accepted with a test key, refused with a live key", async (url) => {
    expect(callbackUrlProblem(url, "test")).toBeNull();
    expect(callbackUrlProblem(url, "live")).not.toBeNull();
    expect((await create("test", url)).res.status).toBe(201);
    const live = await create("live", url);
    await expectError(live.res, 400, { code: "parameter_invalid", param: "status_callback" });
    expect(await messageCount(live.account.id)).toBe(0);
  });
});
