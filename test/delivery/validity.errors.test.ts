// The validity period: a message not handed off by its expires_at
// ends `expired` (validity_period_expired) with its callback, whether it was
// retrying, scheduled or waiting for a fallback step; and Twilio is told how
// long it may still try (ValidityPeriod).

import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import twilioSpec from "../fixtures/provider-specs/twilio-messages.openapi.json";
import { createAccount } from "../support/accounts.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { createMessage, listMessages, smsBody } from "../support/messages.ts";
import { runConsumer } from "../support/queue.ts";
import { afterSeconds, callbacks, emailStep, getMessage, handOffs, shownMessage, storedWithControls } from "./delivery-controls.fixture.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver?.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const now = () => Math.floor(Date.now() / 1000);
const EXPIRED = { status: "expired", error: { code: "validity_period_expired", message: expect.any(String) } };

describe("validity_period", () => {
  it("expires a message whose provider is unavailable (+15005550005) while it waits for its next retry", async () => {
    receiver = fakeReceiver();
    const account = await createAccount();
    const { id, stub } = await storedWithControls(account, { to: "+15005550005", expiresAt: now() + 10, statusCallback: receiver.url });
    const first = await runConsumer([id]);
    expect(first.retryMessages).toHaveLength(1);
    expect(await afterSeconds(stub, 11)).toBe(true);
    await shownMessage(account, id).toMatchObject(EXPIRED);
    expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.expired"]);

    // The queue's retry then comes, and is not handed off.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 12_000 });
    const retry = await runConsumer([id], 2);
    vi.useRealTimers();
    expect(retry.retryMessages).toHaveLength(0);
    expect((await handOffs(stub)).map((attempt) => attempt.http_status)).toEqual([503]);
    await shownMessage(account, id).toMatchObject(EXPIRED);
  });

  it("ends expired, with no provider request, a first job that reaches its object after expires_at", async () => {
    receiver = fakeReceiver();
    const fake = fakeProviders();
    const account = await createAccount("live");
    // The job was slow to come (a Queue backlog): the window closed before the object ever saw the message.
    const { id, stub } = await storedWithControls(account, { expiresAt: now() + 30, statusCallback: receiver.url });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    const job = await runConsumer([id]);
    vi.useRealTimers();
    expect(job.retryMessages).toHaveLength(0);
    await shownMessage(account, id).toMatchObject(EXPIRED);
    expect(fake.requests).toEqual([]);
    expect(await handOffs(stub)).toEqual([]);
    await expect.poll(() => callbacks(receiver).map((event) => event.type)).toEqual(["message.expired"]);
  });

  it("expires a scheduled message whose send time came past its window, counting validity from send_at", async () => {
    receiver = fakeReceiver();
    const account = await createAccount();
    const sendAt = now() + 60;
    const created = await createMessage(account, smsBody({ send_at: sendAt, validity_period: 5, status_callback: receiver.url }));
    expect(created).toMatchObject({ status: "scheduled", send_at: sendAt, expires_at: sendAt + 5 });
    const stub = messageStatusStub(env, created.id);
    // The alarm for the send time runs only after the window has closed.
    expect(await afterSeconds(stub, 70)).toBe(true);
    await shownMessage(account, created.id).toMatchObject(EXPIRED);
    expect((await listMessages(account.key, { status: "expired" })).data.map((message) => message.id)).toEqual([created.id]);
    expect(await handOffs(stub)).toEqual([]);
    expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.expired"]);
  });

  it("expires a message whose next step would start past its window (fallback_after with +15005550008's missing report)", async () => {
    receiver = fakeReceiver();
    const account = await createAccount();
    const { id, stub } = await storedWithControls(account, {
      to: "+15005550008",
      fallback: [emailStep],
      fallbackAfter: 30,
      expiresAt: now() + 20,
      statusCallback: receiver.url,
    });
    await runConsumer([id]);
    await shownMessage(account, id).toMatchObject({ status: "sent" });
    expect(await afterSeconds(stub, 31)).toBe(true);
    await shownMessage(account, id).toMatchObject(EXPIRED);
    const message = await getMessage(account, id);
    expect((message.attempts as { channel: string; status: string }[]).map((a) => [a.channel, a.status])).toEqual([["sms", "sent"]]);
    expect(await handOffs(stub)).toHaveLength(1);
    expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.sent", "message.expired"]);
  });

  it("gives Twilio the seconds left as ValidityPeriod, a field of its Messages resource", async () => {
    const fake = fakeProviders();
    const account = await createAccount("live");
    const { id } = await storedWithControls(account, { expiresAt: now() + 600 });
    await runConsumer([id]);
    const form = Object.fromEntries(new URLSearchParams(fake.requests[0]!.body));
    const schema = twilioSpec.paths["/2010-04-01/Accounts/{AccountSid}/Messages.json"].post.requestBody.content["application/x-www-form-urlencoded"].schema;
    expect(Object.keys(schema.properties)).toContain("ValidityPeriod");
    expect(Number(form.ValidityPeriod)).toBeGreaterThanOrEqual(598);
    expect(Number(form.ValidityPeriod)).toBeLessThanOrEqual(600);
    fake.restore();
  });

  it("sends no ValidityPeriod for a message without one", async () => {
    const fake = fakeProviders();
    const account = await createAccount("live");
    const { id } = await storedWithControls(account, {});
    await runConsumer([id]);
    expect(new URLSearchParams(fake.requests[0]!.body).has("ValidityPeriod")).toBe(false);
    fake.restore();
  });
});
