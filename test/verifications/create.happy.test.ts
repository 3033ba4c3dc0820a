// Starting, reading, listing, canceling and resending verifications, and their
// callbacks, as a customer's backend would.
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { eventually } from "../support/wait.ts";
import { signingSecret } from "../webhooks/webhooks.fixture.ts";
import { startVerification, testCode, type VerificationBody } from "./verifications.fixture.ts";

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("POST /v1/verifications", () => {
  it("starts a pending verification with the documented defaults: SMS, 6 digits, 10 minutes, 5 checks", async () => {
    const account = await createAccount();
    const before = Math.floor(Date.now() / 1000);
    const verification = await startVerification(account, { to: "+14155550123" });
    expect(verification).toMatchObject({ status: "pending", channel: "sms", channels: ["sms"], code_length: 6, locale: "en", check_attempts_remaining: 5 });
    expect(verification.expires_at - before).toBeGreaterThanOrEqual(599);
    expect(verification.expires_at - before).toBeLessThanOrEqual(601);
    expect(verification.attempts).toEqual([{ channel: "sms", message_id: expect.stringMatching(/^msg_/), status: "queued" }]);
    expect(await testCode(account, verification.id)).toMatch(/^[0-9]{6}$/);
    expect(await (await api(`/v1/verifications/${verification.id}`, { key: account.key })).json()).toMatchObject({ id: verification.id, status: "pending" });
  });

  it("takes a form body, a code length, an email recipient and a locale", async () => {
    const account = await createAccount();
    const res = await api("/v1/verifications", { key: account.key, form: "to=ana%40customer.example&code_length=8&locale=fr&expires_in=60" });
    expect(res.status).toBe(201);
    const verification = await res.json<VerificationBody>();
    expect(verification).toMatchObject({ channel: "email", channels: ["email"], code_length: 8, locale: "fr" });
    expect(await testCode(account, verification.id)).toMatch(/^[0-9]{8}$/);
  });

  it("sends an ordinary message whose content is null on every read, with content_retention discard", async () => {
    const account = await createAccount();
    const verification = await startVerification(account, { to: "+14155550123", channels: ["WHATSAPP", "SMS"], app_name: "Acme" });
    const message = await (await api(`/v1/messages/${verification.attempts[0]!.message_id}`, { key: account.key })).json();
    expect(message).toMatchObject({ channel: "whatsapp", content: null, content_retention: "discard", fallback: [{ channel: "sms", content: null }] });
  });
});

describe("metadata", () => {
  it("is shown on the verification and carried by each of its messages, where the messages' metadata filter finds them", async () => {
    const account = await createAccount();
    const verification = await startVerification(account, { to: "+14155550123", metadata: { user_id: "u_42" } });
    expect(verification.metadata).toEqual({ user_id: "u_42" });
    const messages = await (await api("/v1/messages?metadata[user_id]=u_42", { key: account.key })).json<{ data: { id: string }[] }>();
    expect(messages.data.map((message) => message.id)).toEqual([verification.attempts[0]!.message_id]);
  });
});

describe("GET /v1/verifications", () => {
  it("lists the account's verifications newest first, filtered by status and to", async () => {
    const account = await createAccount();
    const first = await startVerification(account, { to: "+14155550123" });
    const second = await startVerification(account, { to: "+14155550124" });
    await api(`/v1/verifications/${first.id}/cancel`, { key: account.key, method: "POST" });
    const all = await eventually(async () => {
      const page = await (await api("/v1/verifications", { key: account.key })).json<{ data: VerificationBody[] }>();
      return page.data.length === 2 && page.data.some((row) => row.status === "canceled") && page.data;
    });
    expect(all.map((row) => row.id)).toEqual([second.id, first.id]);
    const pending = await (await api("/v1/verifications?status=pending", { key: account.key })).json<{ data: VerificationBody[] }>();
    expect(pending.data.map((row) => row.id)).toEqual([second.id]);
    const to = await (await api(`/v1/verifications?to=${encodeURIComponent("+14155550123")}`, { key: account.key })).json<{ data: VerificationBody[] }>();
    expect(to.data.map((row) => row.id)).toEqual([first.id]);
  });
});

describe("POST /v1/verifications/:id/cancel", () => {
  it("ends a pending verification canceled, answers a second cancel the same, and refuses to cancel an approved one (409)", async () => {
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123" });
    const canceled = await api(`/v1/verifications/${id}/cancel`, { key: account.key, method: "POST" });
    expect(await canceled.json()).toMatchObject({ status: "canceled" });
    expect(await (await api(`/v1/verifications/${id}/cancel`, { key: account.key, method: "POST" })).json()).toMatchObject({ status: "canceled" });

    const approved = await startVerification(account, { to: "+14155550126" });
    await api(`/v1/verifications/${approved.id}/check`, { key: account.key, json: { code: await testCode(account, approved.id) } });
    const refused = await expectError(await api(`/v1/verifications/${approved.id}/cancel`, { key: account.key, method: "POST" }), 409, {
      code: "verification_not_pending",
    });
    expect(refused.message).toContain("approved");
  });
});

describe("POST /v1/verifications/:id/resend", () => {
  it("refuses a resend within 30 s (429, Retry-After), then sends the same code on the named channel", async () => {
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123", channels: ["SMS", "WHATSAPP"] });
    const code = await testCode(account, id);
    const soon = await api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" });
    await expectError(soon, 429, { code: "verification_resend_too_soon", type: "rate_limit_error" });
    expect(Number(soon.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(Number(soon.headers.get("Retry-After"))).toBeLessThanOrEqual(30);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    const resent = await api(`/v1/verifications/${id}/resend`, { key: account.key, json: { channel: "WHATSAPP" } });
    expect(resent.status).toBe(200);
    const verification = await resent.json<VerificationBody>();
    expect(verification.attempts.map((attempt) => attempt.channel)).toEqual(["sms", "whatsapp"]);
    expect(new Set(verification.attempts.map((attempt) => attempt.message_id)).size).toBe(2);
    expect(await testCode(account, id)).toBe(code);
    const checked = await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code } });
    expect(await checked.json()).toMatchObject({ status: "approved", valid: true });
  });
});

describe("POST /v1/verification_checks", () => {
  it("checks the code against the recipient's newest pending verification", async () => {
    const account = await createAccount();
    await startVerification(account, { to: "+14155550125" });
    const newest = await startVerification(account, { to: "+14155550125" });
    const code = await testCode(account, newest.id);
    const res = await eventually(async () => {
      const answer = await api("/v1/verification_checks", { key: account.key, json: { to: "+14155550125", code } });
      return answer.status === 200 && answer;
    });
    expect(await res.json()).toMatchObject({ id: newest.id, status: "approved", valid: true });
  });
});

describe("verification.* callbacks", () => {
  it("posts pending then canceled to status_callback, signed with the account's secret (standardwebhooks)", async () => {
    const receiver = fakeReceiver();
    fakes.push(receiver);
    const account = await createAccount();
    const { id } = await startVerification(account, { to: "+14155550123", status_callback: receiver.url });
    await api(`/v1/verifications/${id}/cancel`, { key: account.key, method: "POST" });
    await eventually(() => receiver.requests.length === 2);
    const secret = await signingSecret(account);
    const events = receiver.requests.map(
      (request) => new Webhook(secret).verify(request.body, Object.fromEntries(request.headers)) as { type: string; data: { id: string; status: string } },
    );
    expect(events.map((event) => [event.type, event.data.status])).toEqual([
      ["verification.pending", "pending"],
      ["verification.canceled", "canceled"],
    ]);
    expect(events.every((event) => event.data.id === id)).toBe(true);
  });
});
