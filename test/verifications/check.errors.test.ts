// Wrong codes, ended verifications, expiry on the object's alarm, bad input,
// the send limit, and a verification row whose D1 write fails.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifierStub } from "../../src/delivery/verifier.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { eventually } from "../support/wait.ts";
import { startVerification, testCode, type VerificationBody } from "./verifications.fixture.ts";

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Runs the verification object's alarm as if `seconds` had passed. */
async function alarmAfter(id: string, seconds: number): Promise<boolean> {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + seconds * 1000 });
  try {
    return await runDurableObjectAlarm(verifierStub(env, id));
  } finally {
    vi.useRealTimers();
  }
}

/** A code of the same length that is not the verification's. */
const wrongCode = (code: string) => code.replace(/^./, (digit) => String((Number(digit) + 1) % 10));

describe("wrong codes", () => {
  it("count down check_attempts_remaining; the fifth ends it max_attempts_reached, after which even the right code is a 409", async () => {
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123" });
    const code = await testCode(account, id);
    const remaining: number[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await (await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code: wrongCode(code) } })).json<VerificationBody>();
      expect(answer).toMatchObject({ status: "pending", valid: false });
      remaining.push(answer.check_attempts_remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1]);
    const last = await (await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code: wrongCode(code) } })).json();
    expect(last).toMatchObject({ status: "max_attempts_reached", valid: false, check_attempts_remaining: 0 });
    const after = await expectError(await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code } }), 409, {
      code: "verification_not_pending",
    });
    expect(after.message).toContain("max_attempts_reached");
  });
});

describe("expiry", () => {
  it("ends a verification expired on its alarm at expires_at, with its callback, once even if the alarm fires twice", async () => {
    const receiver = fakeReceiver();
    fakes.push(receiver);
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123", expires_in: 60, status_callback: receiver.url });
    await eventually(() => receiver.requests.length === 1);
    expect(await alarmAfter(id, 61)).toBe(true);
    await alarmAfter(id, 62);
    expect(await (await api(`/v1/verifications/${id}`, { key: account.key })).json()).toMatchObject({ status: "expired" });
    const types = receiver.requests.map((request) => (JSON.parse(request.body) as { type: string }).type);
    expect(types).toEqual(["verification.pending", "verification.expired"]);
  });

  it("refuses a check after expires_at even before the alarm ran (409 expired)", async () => {
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123", expires_in: 60 });
    const code = await testCode(account, id);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    const refused = await expectError(await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code } }), 409, {
      code: "verification_not_pending",
    });
    expect(refused.message).toContain("expired");
  });
});

describe("bad input", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["an unknown locale", { to: "+14155550123", locale: "xx" }, "locale"],
    ["a code length under 4", { to: "+14155550123", code_length: 3 }, "code_length"],
    ["a code length over 10", { to: "+14155550123", code_length: 11 }, "code_length"],
    ["expires_in under 60", { to: "+14155550123", expires_in: 59 }, "expires_in"],
    ["channel_timeout over 900", { to: "+14155550123", channels: ["WHATSAPP", "SMS"], channel_timeout: 901 }, "channel_timeout"],
    ["a channel twice", { to: "+14155550123", channels: ["SMS", "SMS"] }, "channels"],
    ["four channels", { to: "+14155550123", channels: ["SMS", "WHATSAPP", "EMAIL", "SMS"] }, "channels"],
    ["channel and channels", { to: "+14155550123", channel: "SMS", channels: ["SMS"] }, "channel"],
    ["email without an email address", { to: "+14155550123", channels: ["SMS", "EMAIL"] }, "to"],
    ["a bad email_to", { to: "+14155550123", channels: ["SMS", "EMAIL"], email_to: "nobody" }, "email_to"],
    ["a bad phone number", { to: "+1415", channels: ["SMS"] }, "to"],
    ["an unknown template", { to: "+14155550123", template_id: "no_such_template" }, "template_id"],
  ];
  it.each(cases)("refuses %s (400 naming the param), starting nothing", async (_, body, param) => {
    const account = await createAccount();
    await expectError(await api("/v1/verifications", { key: account.key, json: body }), 400, { param });
    expect((await (await api("/v1/verifications", { key: account.key })).json<{ data: unknown[] }>()).data).toEqual([]);
  });

  it("refuses a code that is not 4-10 digits, and answers 404 for an unknown or malformed id", async () => {
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123" });
    await expectError(await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code: "12ab56" } }), 400, { param: "code" });
    await expectError(await api(`/v1/verifications/${id.replace(/.$/, "f")}/check`, { key: account.key, json: { code: "123456" } }), 404, { param: "id" });
    await expectError(await api("/v1/verifications/vrf_nope", { key: account.key }), 404, { code: "resource_missing" });
    await expectError(await api("/v1/verification_checks", { key: account.key, json: { to: "+14155550999", code: "123456" } }), 404, { param: "to" });
  });
});

describe("the send limit", () => {
  it("allows 5 sends per verification: the create and 4 resends; the next is a 429", async () => {
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123" });
    let now = Date.now();
    for (let i = 0; i < 4; i++) {
      now += 31_000;
      vi.useFakeTimers({ toFake: ["Date"], now });
      expect((await api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" })).status).toBe(200);
    }
    vi.useFakeTimers({ toFake: ["Date"], now: now + 31_000 });
    await expectError(await api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" }), 429, {
      code: "verification_send_limit",
      type: "rate_limit_error",
    });
    expect((await (await api(`/v1/verifications/${id}`, { key: account.key })).json<VerificationBody>()).attempts).toHaveLength(5);
  });
});
