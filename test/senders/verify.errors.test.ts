import { describe, expect, it, vi } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { freshEmail, freshNumber, type SenderObject } from "../support/resources.ts";
import { codeIn, codeSentTo, sendFrom, useVerificationFakes } from "./verification.fixture.ts";

const fakes = useVerificationFakes();

type Pending = SenderObject & { verification: { record_name: string; record_value: string; attempts_remaining: number } };

async function addPending(account: TestAccount, body: Record<string, unknown>): Promise<Pending> {
  const res = await api("/v1/senders", { key: account.key, json: body });
  expect(res.status).toBe(201);
  return res.json();
}

const verify = (account: TestAccount, id: string, body?: Record<string, unknown>) =>
  api(`/v1/senders/${id}/verify`, { key: account.key, ...(body ? { json: body } : { method: "POST" }) });

async function expectStillPending(account: TestAccount, sender: SenderObject, from = sender.address): Promise<void> {
  const now = await (await api(`/v1/senders/${sender.id}`, { key: account.key })).json<SenderObject>();
  expect(now.status).toBe("pending_verification");
  expect(await sendFrom(account, sender.channel as "sms", from)).toBe(400);
}

describe("DNS TXT verification that fails", () => {
  it("says no record was found when the name has none (NXDOMAIN), and keeps the sender pending", async () => {
    const account = await createAccount("live");
    const sender = await addPending(account, { channel: "email", address: freshEmail() });
    const error = await expectError(await verify(account, sender.id), 400, { code: "verification_failed" });
    expect(error.message).toContain(`No TXT record was found at ${sender.verification.record_name}`);
    expect(error.message).toContain(sender.verification.record_value);
    await expectStillPending(account, sender);
  });

  it("says the record carries another token when it does", async () => {
    const account = await createAccount("live");
    const sender = await addPending(account, { channel: "email", address: freshEmail() });
    fakes.dns.publishTxt(sender.verification.record_name, `omniflow-verification=${"0".repeat(32)}`);
    const error = await expectError(await verify(account, sender.id), 400, { code: "verification_failed" });
    expect(error.message).toMatch(/carries another token/);
    await expectStillPending(account, sender);
  });

  it.each([
    ["answers HTTP 502", () => new Response("bad gateway", { status: 502 })],
    ["answers SERVFAIL", () => Response.json({ Status: 2, Question: [] })],
    ["answers something that is not DNS JSON", () => new Response("<html>", { headers: { "Content-Type": "text/html" } })],
    [
      "cannot be reached",
      () => {
        throw new TypeError("Network connection lost.");
      },
    ],
  ])("is a 503 that says to retry when the resolver %s, and a retry succeeds once it answers", async (_, outage) => {
    const account = await createAccount("live");
    const sender = await addPending(account, { channel: "email", address: freshEmail() });
    fakes.dns.publishTxt(sender.verification.record_name, sender.verification.record_value);
    fakes.dns.respondWith(outage);
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = await verify(account, sender.id);
    expect(warned.mock.calls.map(([line]) => JSON.parse(String(line)).event)).toEqual(["sender_dns_lookup_failed"]);
    expect(res.headers.get("Retry-After")).toBe("30");
    const error = await expectError(res, 503, { type: "api_error", code: "verification_unavailable" });
    expect(error.message).toMatch(/retry later/);
    await expectStillPending(account, sender);
    expect((await verify(account, sender.id)).status).toBe(200);
  });
});

describe("code verification that fails", () => {
  async function numberSender(account: TestAccount) {
    const sender = await addPending(account, { channel: "sms", address: freshNumber() });
    return { sender, code: codeIn(await codeSentTo(fakes.providers, sender.address)) };
  }
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

  it("refuses a wrong code, saying how many attempts are left", async () => {
    const account = await createAccount("live");
    const { sender, code } = await numberSender(account);
    const error = await expectError(await verify(account, sender.id, { code: wrong(code) }), 400, { code: "verification_code_invalid", param: "code" });
    expect(error.message).toMatch(/4 attempts left/);
    const now = await (await api(`/v1/senders/${sender.id}`, { key: account.key })).json<Pending>();
    expect(now.verification.attempts_remaining).toBe(4);
    await expectStillPending(account, sender);
  });

  it("refuses the right code once it has expired (10 minutes)", async () => {
    const account = await createAccount("live");
    const { sender, code } = await numberSender(account);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 601_000);
    await expectError(await verify(account, sender.id, { code }), 400, { code: "verification_code_expired", param: "code" });
    vi.useRealTimers();
    await expectStillPending(account, sender);
  });

  it("refuses even the right code after five wrong ones", async () => {
    const account = await createAccount("live");
    const { sender, code } = await numberSender(account);
    for (let i = 0; i < 5; i++) await expectError(await verify(account, sender.id, { code: wrong(code) }), 400, { code: "verification_code_invalid" });
    const error = await expectError(await verify(account, sender.id, { code }), 400, { code: "verification_attempts_exceeded" });
    expect(error.message).toMatch(/Delete the sender and add it again/);
    await expectStillPending(account, sender);
  });

  it("counts concurrent guesses: no more than five are ever checked", async () => {
    const account = await createAccount("live");
    const { sender, code } = await numberSender(account);
    const guesses = await Promise.all(Array.from({ length: 8 }, () => verify(account, sender.id, { code: wrong(code) })));
    const codes = await Promise.all(guesses.map(async (res) => (await res.json<{ error: { code: string } }>()).error.code));
    expect(codes.filter((c) => c === "verification_code_invalid")).toHaveLength(5);
    expect(codes.filter((c) => c === "verification_attempts_exceeded")).toHaveLength(3);
  });

  it.each([
    ["no code for a number", () => ({}), "parameter_missing"],
    ["a code that is not six digits", () => ({ code: "12345" }), "parameter_invalid"],
    ["an unknown field", () => ({ code: "123456", token: "x" }), "parameter_unknown"],
  ])("refuses %s with a 400 naming it", async (_, body, code) => {
    const account = await createAccount("live");
    const { sender } = await numberSender(account);
    const error = await expectError(await verify(account, sender.id, body()), 400, { code });
    expect(["code", "token"]).toContain(error.param);
    await expectStillPending(account, sender);
  });

  it("refuses a code for an email sender", async () => {
    const account = await createAccount("live");
    const sender = await addPending(account, { channel: "email", address: freshEmail() });
    await expectError(await verify(account, sender.id, { code: "123456" }), 400, { param: "code", code: "parameter_unknown" });
    expect(fakes.dns.requests).toEqual([]);
  });

  it("answers 404 for a sender id the account does not have", async () => {
    const account = await createAccount("live");
    await expectError(await verify(account, "snd_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f"), 404, { code: "resource_missing", param: "id" });
  });
});
