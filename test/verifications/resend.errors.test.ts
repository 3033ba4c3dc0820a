// Two resends racing: the first one's message is being created (its Queue send
// held open) when the second arrives; the verification's object has reserved
// the first send, so the second is refused as too soon rather than sent too.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { hold } from "../support/hold.ts";
import { bindSender } from "../support/resources.ts";
import { startVerification, type VerificationBody } from "./verifications.fixture.ts";

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("racing resends", () => {
  it("send the code once: the second, arriving while the first's message is created, is a 429", async () => {
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    const held = hold();
    const send = env.MESSAGES_QUEUE.send.bind(env.MESSAGES_QUEUE);
    vi.spyOn(env.MESSAGES_QUEUE, "send").mockImplementationOnce(async (...args) => {
      await held.wait();
      return send(...args);
    });
    const first = api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" });
    await held.reached();
    const second = await api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" });
    await expectError(second, 429, { code: "verification_resend_too_soon", type: "rate_limit_error" });
    held.release();
    expect((await first).status).toBe(200);
    const verification = await (await api(`/v1/verifications/${id}`, { key: account.key })).json<VerificationBody>();
    expect(verification.attempts).toHaveLength(2);
  });

  it("gives the reservation back when the resend's message cannot be created", async () => {
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123", channels: ["SMS", "EMAIL"], email_to: "ana@customer.example" });
    await api("/v1/suppressions", { key: account.key, json: { channel: "EMAIL", address: "ana@customer.example", reason: "manual" } });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    await expectError(await api(`/v1/verifications/${id}/resend`, { key: account.key, json: { channel: "EMAIL" } }), 400, { code: "recipient_suppressed" });
    // Not counted as a send: an SMS resend right after goes out.
    expect((await api(`/v1/verifications/${id}/resend`, { key: account.key, json: { channel: "SMS" } })).status).toBe(200);
  });
});

describe("a resend and the gate's limits", () => {
  const attempts = async (key: string, id: string) => (await (await api(`/v1/verifications/${id}`, { key })).json<VerificationBody>()).attempts.length;

  it("is refused by the per-recipient limit like any send, and not counted as a send", async () => {
    const account = await createAccount();
    const set = await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: 1 } } });
    expect(set.status).toBe(200);
    const { id } = await startVerification(account, { to: "+14155550191" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    const refused = await api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" });
    await expectError(refused, 429, { code: "recipient_rate_limited", type: "rate_limit_error" });
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await attempts(account.key, id)).toBe(1);
  });

  it("is refused by the daily cap of its channel (live keys) like any send, and not counted as a send", async () => {
    const providers = fakeProviders();
    fakes.push(providers);
    const account = await createAccount("live", { dailyMessageLimit: 1 });
    await bindSender(account, "sms");
    const { id } = await startVerification(account, { to: "+14155550192" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    await expectError(await api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" }), 429, {
      code: "daily_limit_exceeded",
      type: "rate_limit_error",
    });
    expect(await attempts(account.key, id)).toBe(1);
  });
});
