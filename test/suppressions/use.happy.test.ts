// Suppressions added by what happens to a message: a hard bounce (the
// sandbox's bounce@ addresses and Resend's email.bounced), a spam complaint
// (Resend's email.complained) and Twilio's error 21610 (the recipient replied
// STOP to the platform's number), which also fails the message as
// recipient_suppressed. Each refuses the next create to that recipient.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { suppressionsOf } from "../inbound/inbound.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { projectedMessage } from "../support/db.ts";
import { fakeProviders, useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { resendEvent, svixHeaders } from "../support/provider-signing.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";

useFakeProviders();

const emailTo = (to: string) => ({ channel: "EMAIL", to, content: { subject: "Hi", text: "Hello" } });

async function postResend(type: string, emailId: string, messageId: string) {
  const body = resendEvent(type, emailId, messageId);
  return api("/v1/providers/resend/webhook", { key: null, method: "POST", body, headers: svixHeaders(body) });
}

async function expectRefused(account: TestAccount, body: Record<string, unknown>) {
  await expectError(await api("/v1/messages", { key: account.key, json: body }), 400, { code: "recipient_suppressed", param: "to" });
}

describe("a hard bounce", () => {
  it("of a sandbox bounce@ address suppresses it (hard_bounce, from that message)", async () => {
    const account = await createAccount();
    const id = await storeMessage(account, {
      channel: "email",
      to: "Bounce@Example.com",
      from: "sandbox@omniflow.dev",
      rendered: { channel: "email", subject: "Hi", text: "x" },
    });
    await runConsumer([id]);
    // The sandbox's bounce report is due 100 ms after the hand-off.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 1_000 });
    expect(await runDurableObjectAlarm(messageStatusStub(env, id))).toBe(true);
    vi.useRealTimers();
    await projectedMessage(id).toMatchObject({ status: "failed", errorCode: "email_bounced" });
    expect(await suppressionsOf(account)).toEqual([
      expect.objectContaining({ channel: "email", address: "bounce@example.com", reason: "hard_bounce", source_message_id: id }),
    ]);
    await expectRefused(account, emailTo("bounce@example.com"));
  });

  it("reported by Resend (email.bounced) suppresses the live recipient", async () => {
    const { account, id, providerMessageId } = await handedOff("email", { to: "ana@example.com" });
    expect((await postResend("email.bounced", providerMessageId, id)).status).toBe(200);
    expect(await suppressionsOf(account)).toEqual([expect.objectContaining({ address: "ana@example.com", reason: "hard_bounce", source_message_id: id })]);
  });
});

describe("a complaint", () => {
  it("reported by Resend (email.complained) after delivery suppresses the recipient and leaves the message delivered", async () => {
    const { account, id, providerMessageId } = await handedOff("email", { to: "ana@example.com" });
    expect((await postResend("email.delivered", providerMessageId, id)).status).toBe(200);
    expect((await postResend("email.complained", providerMessageId, id)).status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
    expect(await suppressionsOf(account)).toEqual([expect.objectContaining({ address: "ana@example.com", reason: "complaint", source_message_id: id })]);
  });
});

describe("Twilio error 21610 on send", () => {
  it("fails the message as recipient_suppressed and suppresses the recipient (opt_out)", async () => {
    const twilio = fakeProviders();
    twilio.respondWith(() =>
      Response.json(
        { code: 21610, message: "Attempt to send to unsubscribed recipient", more_info: "https://www.twilio.com/docs/errors/21610", status: 400 },
        { status: 400 },
      ),
    );
    const account = await createAccount("live");
    const id = await storeMessage(account, { channel: "sms", to: "+14155550123", from: "+14155550100", rendered: { channel: "sms", text: "hi" } });
    await runConsumer([id]);
    await projectedMessage(id).toMatchObject({ status: "failed", errorCode: "recipient_suppressed" });
    expect(await suppressionsOf(account)).toEqual([
      expect.objectContaining({ channel: "sms", address: "+14155550123", reason: "opt_out", source_message_id: id }),
    ]);
    twilio.restore();
  });
});
