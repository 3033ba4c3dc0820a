// A verification's code is readable through the test helper alone: never in an
// API answer, a message's content, an event, a callback or the log. One
// account never reaches another's verification, and a recipient cannot be
// pumped with verifications.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifierStub } from "../../src/delivery/verifier.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { consoleFetch, signIn } from "../support/console.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { bindSender } from "../support/resources.ts";
import { eventually } from "../support/wait.ts";
import { startVerification, testCode, type VerificationBody } from "./verifications.fixture.ts";

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
  vi.restoreAllMocks();
});

function captureConsole(): () => string {
  const spies = (["log", "warn", "error", "info", "debug"] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
  return () => spies.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(" "))).join("\n");
}

describe("the code", () => {
  it("appears in no answer, message content, event, callback or log, before or after the check", async () => {
    const logged = captureConsole();
    const receiver = fakeReceiver();
    fakes.push(receiver);
    const account = await createAccount();
    const seen: string[] = [];
    const read = async (path: string, options: Parameters<typeof api>[1] = { key: account.key }) => {
      const res = await api(path, options);
      const text = await res.text();
      seen.push(text);
      return JSON.parse(text) as Record<string, unknown>;
    };
    // Ten digits: no id or timestamp of these answers holds them by chance.
    const body = { to: "+15005550004", channels: ["WHATSAPP", "SMS"], code_length: 10, app_name: "Acme", status_callback: receiver.url };
    const created = (await read("/v1/verifications", { key: account.key, json: body })) as unknown as VerificationBody;
    const settled = await eventually(async () => {
      const now = (await read(`/v1/verifications/${created.id}`)) as unknown as VerificationBody;
      return now.attempts.some((attempt) => attempt.status === "delivered") && now;
    }, 15_000);
    const messageId = settled.attempts[0]!.message_id;
    const message = await read(`/v1/messages/${messageId}`);
    expect(message.content).toBeNull();
    const listed = (await read(`/v1/messages?to=${encodeURIComponent("+15005550004")}`)) as { data: { id: string; content: unknown }[] };
    expect(listed.data.find((row) => row.id === messageId)?.content).toBeNull();
    await read(`/v1/messages/${messageId}/events`);
    await read("/v1/verifications?status=pending");
    await read(`/v1/verifications/${created.id}/check`, { key: account.key, json: { code: "0000000000" } });

    const code = await testCode(account, created.id);
    expect(code).toMatch(/^[0-9]{10}$/);
    await read(`/v1/verifications/${created.id}/check`, { key: account.key, json: { code } });
    await read("/v1/verifications");
    await eventually(() => receiver.requests.some((request) => request.body.includes("verification.approved")));

    const everything = [...seen, ...receiver.requests.map((request) => request.body), logged()].join("\n");
    expect(everything).toContain(created.id);
    expect(everything).not.toContain(code);
    expect(receiver.requests.map((request) => (JSON.parse(request.body) as { type: string }).type)).toEqual(["verification.pending", "verification.approved"]);
  });

  it("is a 404 from the test helper to a live key, and to another account", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const live = await createAccount("live");
    const { id } = await startVerification(owner, { to: "+14155550123" });
    await expectError(await api(`/v1/test_helpers/verifications/${id}/code`, { key: other.key }), 404, { code: "resource_missing" });
    await expectError(await api(`/v1/test_helpers/verifications/${id}/code`, { key: live.key }), 404, { code: "route_not_found" });
  });
});

describe("a live verification's code", () => {
  it("goes to the provider alone: not in the message, its events, the Console, the answers; gone from storage once approved", async () => {
    const providers = fakeProviders();
    fakes.push(providers);
    const account = await createAccount("live");
    await bindSender(account, "sms");
    const created = await startVerification(account, { to: "+14155550150", code_length: 10 });
    const sent = await eventually(() => providers.requests.find((request) => request.url.hostname === "twilio.fake"), 15_000);
    const code = /([0-9]{10})/.exec(new URLSearchParams(sent.body).get("Body") ?? "")?.[1];
    expect(code).toMatch(/^[0-9]{10}$/);
    const messageId = created.attempts[0]!.message_id;
    // Handed off, not final: the message object still holds the rendered text for its delivery.
    await eventually(async () => (await (await api(`/v1/messages/${messageId}`, { key: account.key })).json<{ status: string }>()).status === "sent");
    const session = await signIn(account);
    const shown = [
      await (await api(`/v1/messages/${messageId}`, { key: account.key })).text(),
      await (await api(`/v1/messages/${messageId}/events`, { key: account.key })).text(),
      await (await api(`/v1/verifications/${created.id}`, { key: account.key })).text(),
      await (await consoleFetch(`/console/messages/${messageId}`, { cookie: session.cookie })).text(),
      await (await consoleFetch(`/console/verifications/${created.id}`, { cookie: session.cookie })).text(),
    ];
    for (const text of shown) expect(text).not.toContain(code);
    await expectError(await api(`/v1/test_helpers/verifications/${created.id}/code`, { key: account.key }), 404, { code: "route_not_found" });

    const approved = await api(`/v1/verifications/${created.id}/check`, { key: account.key, json: { code } });
    expect(await approved.json()).toMatchObject({ status: "approved", valid: true });
    const stored = await runInDurableObject(verifierStub(env, created.id), (_, state) =>
      state.storage.sql
        .exec<{ json: string }>("SELECT json FROM state")
        .toArray()
        .map((row) => row.json)
        .join(""),
    );
    expect(stored).toContain(created.id);
    expect(stored).not.toContain(code);
  });
});

describe("another account's verification", () => {
  it("cannot be read, checked, canceled or resent", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const { id } = await startVerification(owner, { to: "+14155550123" });
    const code = await testCode(owner, id);
    await expectError(await api(`/v1/verifications/${id}`, { key: other.key }), 404, { code: "resource_missing", param: "id" });
    await expectError(await api(`/v1/verifications/${id}/check`, { key: other.key, json: { code } }), 404, { code: "resource_missing" });
    await expectError(await api("/v1/verification_checks", { key: other.key, json: { to: "+14155550123", code } }), 404, { code: "resource_missing" });
    await expectError(await api(`/v1/verifications/${id}/cancel`, { key: other.key, method: "POST" }), 404, { code: "resource_missing" });
    await expectError(await api(`/v1/verifications/${id}/resend`, { key: other.key, method: "POST" }), 404, { code: "resource_missing" });
    const list = await (await api("/v1/verifications", { key: other.key })).json<{ data: unknown[] }>();
    expect(list.data).toEqual([]);
    // Untouched by all of that: still pending, five checks left.
    expect(await (await api(`/v1/verifications/${id}`, { key: owner.key })).json()).toMatchObject({ status: "pending", check_attempts_remaining: 5 });
  });
});

describe("the fraud guard per recipient", () => {
  it("refuses a sixth verification to one number within 10 minutes with a 429, and lets another number through", async () => {
    const account = await createAccount();
    for (let i = 0; i < 5; i++) await startVerification(account, { to: "+14155550188" });
    const refused = await api("/v1/verifications", { key: account.key, json: { to: "+14155550188" } });
    await expectError(refused, 429, { code: "verification_rate_limited", type: "rate_limit_error" });
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(600);
    // Nothing was started for the refused one.
    const listed = await (await api(`/v1/verifications?to=${encodeURIComponent("+14155550188")}`, { key: account.key })).json<{ data: unknown[] }>();
    expect(listed.data).toHaveLength(5);
    await startVerification(account, { to: "+14155550199" });
  });

  it("counts a refused create (a suppressed recipient) for nothing: its slot is given back", async () => {
    const account = await createAccount();
    await api("/v1/suppressions", { key: account.key, json: { channel: "SMS", address: "+14155550177", reason: "manual" } });
    for (let i = 0; i < 6; i++) {
      await expectError(await api("/v1/verifications", { key: account.key, json: { to: "+14155550177" } }), 400, { code: "recipient_suppressed", param: "to" });
    }
  });
});

describe("the fraud guard per destination prefix", () => {
  it("refuses past the account's verification_limits[per_prefix_per_hour] to one range of numbers, with a 429 verification_prefix_blocked", async () => {
    const account = await createAccount();
    const set = await api("/v1/account", { key: account.key, json: { verification_limits: { per_prefix_per_hour: 3 } } });
    expect(await set.json()).toMatchObject({ verification_limits: { per_prefix_per_hour: 3 } });
    // Three numbers of one range (+1415555xxxx), each once: what SMS pumping looks like.
    for (const to of ["+14155550131", "+14155550132", "+14155550133"]) await startVerification(account, { to });
    const refused = await api("/v1/verifications", { key: account.key, json: { to: "+14155550134" } });
    await expectError(refused, 429, { code: "verification_prefix_blocked", type: "rate_limit_error", param: "to" });
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(3500);
    // Another range is not affected.
    await startVerification(account, { to: "+14155560134" });
  });

  it("shows the default, 30 an hour to a range, on the account", async () => {
    const account = await createAccount();
    const object = await (await api("/v1/account", { key: account.key })).json();
    expect(object).toMatchObject({ verification_limits: { per_prefix_per_hour: 30 } });
  });
});

describe("the daily message cap (live keys)", () => {
  it("counts a verification's first message against its channel's cap", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 1 });
    await bindSender(account, "sms");
    const providers = fakeProviders();
    fakes.push(providers);
    await startVerification(account, { to: "+14155550160" });
    await expectError(await api("/v1/verifications", { key: account.key, json: { to: "+14155550161" } }), 429, {
      code: "daily_limit_exceeded",
      type: "rate_limit_error",
    });
  });
});
