// Failover when reports come late or never: fallback_after starts
// the next step while the first is still out, and a late report of an earlier
// step never moves the message backwards. Live messages to the fake providers,
// driven by hand: the consumer for the first hand-off, the object's alarm for
// what comes after.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";
import { afterSeconds, callbacks, emailStep, getMessage, handOffs, shownMessage, storedWithControls } from "./delivery-controls.fixture.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A live SMS with an email step after 30 s, handed to (fake) Twilio, then past its fallback_after: the email is handed to (fake) Resend. */
async function secondStepStarted() {
  const providers = fakeProviders();
  const receiver = fakeReceiver();
  const account = await createAccount("live");
  const { id, stub } = await storedWithControls(account, { fallback: [emailStep], fallbackAfter: 30, statusCallback: receiver.url });
  await runConsumer([id]);
  expect(await afterSeconds(stub, 31)).toBe(true); // fallback_after: the email step starts...
  expect(await afterSeconds(stub, 32)).toBe(true); // ...and this object hands it off
  const [sms, email] = await handOffs(stub);
  expect([sms?.provider, email?.provider]).toEqual(["twilio", "resend"]);
  expect(providers.requests.map((request) => request.url.hostname)).toEqual(["twilio.fake", "resend.fake"]);
  const report = (provider: "twilio" | "resend", providerMessageId: unknown, status: "delivered" | "undelivered" | "failed") =>
    stub.receipt({ provider, messageId: id, providerMessageId: String(providerMessageId), status, detail: status });
  return { account, id, receiver, report, smsId: sms!.provider_message_id, emailId: email!.provider_message_id };
}

describe("fallback_after and late reports", () => {
  it("starts the next step when fallback_after has passed since the hand-off, not a second before", async () => {
    const providers = fakeProviders();
    const account = await createAccount("live");
    const { id, stub } = await storedWithControls(account, { fallback: [emailStep], fallbackAfter: 30 });
    await runConsumer([id]);
    const started = async () => (await stub.events()).filter((event) => event.type === "fallback.started").length;

    await afterSeconds(stub, 29);
    await afterSeconds(stub, 29.5);
    expect(await started()).toBe(0);
    expect(providers.requests.map((request) => request.url.hostname)).toEqual(["twilio.fake"]);

    await afterSeconds(stub, 30.5);
    expect(await started()).toBe(1);
    await afterSeconds(stub, 31);
    expect(providers.requests.map((request) => request.url.hostname)).toEqual(["twilio.fake", "resend.fake"]);
  });

  it("starts the next step when the first is not delivered in time, and a late delivery of the first then delivers the message", async () => {
    const { account, id, receiver, report, smsId, emailId } = await secondStepStarted();
    await shownMessage(account, id).toMatchObject({ status: "sent", delivered_channel: null });

    expect(await report("twilio", smsId, "delivered")).toBe("applied");
    await shownMessage(account, id).toMatchObject({ status: "delivered", delivered_channel: "sms" });
    // The second step's own delivery is recorded on its attempt; the message stays delivered by SMS.
    expect(await report("resend", emailId, "delivered")).toBe("applied");
    // And a contradicting late report of the first step changes nothing.
    expect(await report("twilio", smsId, "undelivered")).toBe("ignored");

    await shownMessage(account, id).toMatchObject({
      attempts: [expect.objectContaining({ status: "delivered" }), expect.objectContaining({ status: "delivered" })],
    });
    const message = await getMessage(account, id);
    expect(message).toMatchObject({ status: "delivered", delivered_channel: "sms", error: null });
    expect((message.attempts as { channel: string; status: string }[]).map((a) => [a.channel, a.status])).toEqual([
      ["sms", "delivered"],
      ["email", "delivered"],
    ]);
    expect(callbacks(receiver).map((event) => [event.type, event.attempt?.index])).toEqual([
      ["message.sent", 0],
      ["message.attempt.sent", 1],
      ["message.delivered", 0],
      ["message.attempt.delivered", 1],
    ]);
    receiver.restore();
  });

  it("records a late failure of the first step without moving the message back or starting another step", async () => {
    const { account, id, receiver, report, smsId, emailId } = await secondStepStarted();
    expect(await report("twilio", smsId, "undelivered")).toBe("applied");
    await shownMessage(account, id).toMatchObject({
      status: "sent",
      error: null,
      attempts: [expect.objectContaining({ channel: "sms", status: "undelivered" }), expect.objectContaining({ channel: "email", status: "sent" })],
    });

    expect(await report("resend", emailId, "delivered")).toBe("applied");
    await shownMessage(account, id).toMatchObject({ status: "delivered", delivered_channel: "email" });
    receiver.restore();
  });

  it("does not fall back from a step that was delivered before its fallback_after", async () => {
    fakeProviders();
    const account = await createAccount("live");
    const { id, stub } = await storedWithControls(account, { fallback: [emailStep], fallbackAfter: 30 });
    await runConsumer([id]);
    const [sms] = await handOffs(stub);
    await stub.receipt({ provider: "twilio", messageId: id, providerMessageId: String(sms!.provider_message_id), status: "delivered", detail: "delivered" });
    await afterSeconds(stub, 31);
    expect(await handOffs(stub)).toHaveLength(1);
    await shownMessage(account, id).toMatchObject({
      status: "delivered",
      delivered_channel: "sms",
      attempts: [expect.objectContaining({ channel: "sms" })],
    });
  });
});

describe("a step on the same provider", () => {
  it("is handed off under an Idempotency-Key of its own, so Resend does not take it for a repeat of the first", async () => {
    const providers = fakeProviders();
    // Resend refuses the first address for good (422), so the email step to another address starts.
    providers.respondWith(() => Response.json({ name: "validation_error", message: "Invalid `to` field." }, { status: 422 }));
    const account = await createAccount("live");
    const { id, stub } = await storedWithControls(account, {
      channel: "email",
      to: "old@example.com",
      from: "noreply@acme.example",
      rendered: { channel: "email", subject: "Your code", text: "849201" },
      fallback: [emailStep],
    });
    await runConsumer([id]);
    expect(await afterSeconds(stub, 1)).toBe(true);
    expect(providers.requests.map((request) => [JSON.parse(request.body).to[0], request.headers.get("idempotency-key")])).toEqual([
      ["old@example.com", id],
      ["ana@example.com", `${id}-1`],
    ]);
    await shownMessage(account, id).toMatchObject({
      status: "sent",
      attempts: [expect.objectContaining({ status: "failed" }), expect.objectContaining({ status: "sent" })],
    });
  });
});

describe("a step whose provider stays unavailable", () => {
  it("gives way to the next step once its hand-off retries run out (+15005550005)", async () => {
    const account = await createAccount();
    const { id, stub } = await storedWithControls(account, { to: "+15005550005", fallback: [{ ...emailStep, from: "sandbox@omniflow.dev" }] });
    let now = Date.now();
    for (let attempt = 1; attempt <= 8; attempt++) {
      vi.useFakeTimers({ toFake: ["Date"], now });
      const result = await runConsumer([id], attempt);
      vi.useRealTimers();
      now += (result.retryDelays[0] ?? 0) * 1000;
    }
    expect((await handOffs(stub)).map((attempt) => attempt.http_status)).toEqual(Array(8).fill(503));
    // The email step is handed off by the object's own alarm.
    vi.useFakeTimers({ toFake: ["Date"], now: now + 1_000 });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    vi.useRealTimers();
    await shownMessage(account, id).toMatchObject({ attempts: [expect.anything(), expect.objectContaining({ channel: "email", status: "sent" })] });
    const message = await getMessage(account, id);
    expect(
      (message.attempts as { channel: string; status: string; error: { code: string } | null }[]).map((a) => [a.channel, a.status, a.error?.code ?? null]),
    ).toEqual([
      ["sms", "failed", "provider_unavailable"],
      ["email", "sent", null],
    ]);
    expect(message).toMatchObject({ status: "sent", error: null });
  });
});
