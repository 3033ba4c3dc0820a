// Failover end to end through the Worker: API -> Queue -> the
// message's Durable Object, which starts each next step itself. The sandbox
// decides each step's fate by its recipient (the sandbox table of docs/api-guide.md):
// +15005550004 is not on WhatsApp, +15005550002 is undelivered by its carrier,
// any other address is delivered.
import { afterEach, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { storedMessage } from "../support/db.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage } from "../support/messages.ts";
import { createTemplate } from "../support/resources.ts";
import { eventually, waitForStatusThroughQueue } from "../support/wait.ts";

const FINAL = ["delivered", "read", "undelivered", "failed", "expired"];
const BOUND_MS = 10_000;

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => receiver?.restore());

const callbacks = () =>
  receiver.requests.map((request) => JSON.parse(request.body) as { type: string; attempt: Record<string, unknown> | null; data: Record<string, unknown> });

describe("failover", () => {
  it("goes WhatsApp -> SMS -> email, with every attempt on the message and callbacks naming each, in order", async () => {
    receiver = fakeReceiver();
    const account = await createAccount();
    const { id, status, fallback } = await createMessage(account, {
      channel: "WHATSAPP",
      to: "+15005550004",
      content: { text: "Your code is 849201" },
      fallback: [
        { channel: "SMS", to: "+15005550002" },
        { channel: "EMAIL", to: "ana@example.com", content: { subject: "Your code", text: "Your code is 849201" } },
      ],
      status_callback: receiver.url,
    });
    expect(status).toBe("queued");
    expect(fallback).toEqual([
      { channel: "sms", to: "+15005550002", from: "+15005550006", content: null },
      {
        channel: "email",
        to: "ana@example.com",
        from: "OmniFlow Sandbox <sandbox@omniflow.dev>",
        content: { subject: "Your code", text: "Your code is 849201" },
      },
    ]);

    const message = await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS);
    expect(message).toMatchObject({ status: "delivered", delivered_channel: "email", error: null });
    expect(message.attempts).toEqual([
      expect.objectContaining({
        channel: "whatsapp",
        to: "+15005550004",
        status: "failed",
        error: expect.objectContaining({ code: "recipient_not_on_channel" }),
      }),
      expect.objectContaining({
        channel: "sms",
        to: "+15005550002",
        from: "+15005550006",
        status: "undelivered",
        error: expect.objectContaining({ code: "carrier_rejected" }),
      }),
      expect.objectContaining({ channel: "email", to: "ana@example.com", status: "delivered", error: null, provider_latency_ms: expect.any(Number) }),
    ]);

    await eventually(() => receiver.requests.length >= 5, BOUND_MS);
    expect(callbacks().map((event) => [event.type, event.attempt?.index, event.attempt?.channel, event.attempt?.status])).toEqual([
      ["message.attempt.failed", 0, "whatsapp", "failed"],
      ["message.sent", 1, "sms", "sent"],
      ["message.attempt.undelivered", 1, "sms", "undelivered"],
      ["message.attempt.sent", 2, "email", "sent"],
      ["message.delivered", 2, "email", "delivered"],
    ]);
    // The message's overall status never went back, and the last callback is the message as GET shows it.
    expect(callbacks().map((event) => event.data.status)).toEqual(["queued", "sent", "sent", "sent", "delivered"]);
    expect(callbacks().at(-1)!.data).toEqual(message);
  });

  it("delivers a WhatsApp message to a number not on WhatsApp by SMS, to the same number", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "WHATSAPP", to: "+15005550004", content: { text: "hi" }, fallback: [{ channel: "SMS" }] });
    const message = await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS);
    expect(message).toMatchObject({ status: "delivered", delivered_channel: "sms" });
    expect((message.attempts as { channel: string; to: string; status: string }[]).map(({ channel, to, status }) => [channel, to, status])).toEqual([
      ["whatsapp", "+15005550004", "failed"],
      ["sms", "+15005550004", "delivered"],
    ]);
  });

  it("ends failed when the last step fails, with that step's error", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, {
      channel: "WHATSAPP",
      to: "+15005550004",
      content: { text: "hi" },
      fallback: [{ channel: "SMS", to: "+15005550001" }],
    });
    const message = await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS);
    expect(message).toMatchObject({ status: "failed", delivered_channel: null, error: { code: "invalid_number" } });
    expect(message.attempts).toHaveLength(2);
  });

  it("sends a template message's step with the same template rendered for the step's channel", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "otp_failover", whatsapp: { name: "otp", language: "en", body_params: ["code"] }, sms: { text: "Code {{code}}" } });
    const { id } = await createMessage(account, {
      channel: "WHATSAPP",
      to: "+15005550004",
      content: { template_id: "otp_failover", variables: { code: "4242" } },
      fallback: [{ channel: "SMS" }],
    });
    expect(await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS)).toMatchObject({ status: "delivered", delivered_channel: "sms" });
    expect((await storedMessage(id)).fallback![0]!.rendered).toEqual({ channel: "sms", text: "Code 4242" });
  });
});
