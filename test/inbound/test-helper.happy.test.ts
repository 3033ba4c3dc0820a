// Replies simulated with a test key (POST /v1/test_helpers/inbound_messages):
// stored as inbound messages, STOP and START applied to the suppression list,
// and posted to the account's inbound_callback as message.received, signed as
// Standard Webhooks says (checked with the standardwebhooks package).
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { listMessages, smsBody } from "../support/messages.ts";
import { SANDBOX_NUMBER, setInboundCallback, simulateReply, suppressionsOf } from "./inbound.fixture.ts";

afterEach(() => vi.restoreAllMocks());

describe("a simulated reply", () => {
  it("is stored as an inbound message, received, and listed with direction=inbound", async () => {
    const account = await createAccount();
    const outbound = await (await api("/v1/messages", { key: account.key, json: smsBody() })).json<{ id: string }>();
    const res = await simulateReply(account, { from: "+1 415 555 0123", text: "Thanks!" });
    expect(res.status).toBe(201);
    const inbound = await res.json<{ id: string }>();
    expect(inbound).toEqual({
      id: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
      object: "message",
      direction: "inbound",
      channel: "sms",
      to: SANDBOX_NUMBER,
      from: "+14155550123",
      content: { text: "Thanks!" },
      status: "received",
      status_callback: null,
      created_at: expect.any(Number),
      delivered_at: null,
      provider_latency_ms: null,
      error: null,
      encoding: null,
      segments: null,
      mms_fallback_applied: false,
      fallback: [],
      fallback_after: null,
      send_at: null,
      expires_at: null,
      attempts: [],
      delivered_channel: null,
      // An inbound message costs nothing here.
      price: null,
      price_unit: null,
      price_status: null,
      content_retention: "retain",
      redacted_at: null,
      // A reply carries none of the customer's keys and belongs to no batch.
      metadata: {},
      batch_id: null,
    });
    expect((await api(`/v1/messages/${inbound.id}`, { key: account.key })).status).toBe(200);
    expect((await listMessages(account.key, { direction: "inbound" })).data.map((m) => m.id)).toEqual([inbound.id]);
    expect((await listMessages(account.key, { direction: "outbound" })).data.map((m) => m.id)).toEqual([outbound.id]);
    // No stop word: nothing suppressed.
    expect(await suppressionsOf(account)).toEqual([]);
  });

  it.each(["STOP", "stop", "  Stop \n", "STOPALL", "unsubscribe", "Cancel", "END", "quit"])(
    "%j suppresses the sender (opt_out, from this reply) until START; the next send to it is refused",
    async (word) => {
      const account = await createAccount();
      const stop = await (await simulateReply(account, { text: word })).json<{ id: string }>();
      expect(await suppressionsOf(account)).toEqual([
        expect.objectContaining({ channel: "sms", address: "+14155550123", reason: "opt_out", source_message_id: stop.id }),
      ]);
      await expectError(await api("/v1/messages", { key: account.key, json: smsBody() }), 400, { code: "recipient_suppressed", param: "to" });
      // Only the channel it was said on.
      expect((await api("/v1/messages", { key: account.key, json: smsBody({ channel: "WHATSAPP" }) })).status).toBe(201);
    },
  );

  it.each(["START", "unstop", " Yes "])("%j lifts an opt-out, and the next send goes out", async (word) => {
    const account = await createAccount();
    await simulateReply(account, { channel: "WHATSAPP", text: "STOP" });
    await expectError(await api("/v1/messages", { key: account.key, json: smsBody({ channel: "WHATSAPP" }) }), 400, { code: "recipient_suppressed" });
    expect((await simulateReply(account, { channel: "WHATSAPP", text: word })).status).toBe(201);
    expect(await suppressionsOf(account)).toEqual([]);
    expect((await api("/v1/messages", { key: account.key, json: smsBody({ channel: "WHATSAPP" }) })).status).toBe(201);
  });

  it("does not lift a suppression that is not an opt-out, nor treat a sentence with a stop word as one", async () => {
    const account = await createAccount();
    await api("/v1/suppressions", { key: account.key, json: { channel: "sms", address: "+14155550123", reason: "manual" } });
    await simulateReply(account, { text: "START" });
    expect((await suppressionsOf(account)).map((s) => s.reason)).toEqual(["manual"]);
    await simulateReply(account, { from: "+14155550124", text: "please stop texting me" });
    expect(await suppressionsOf(account, "?address=%2B14155550124")).toEqual([]);
  });

  it("is posted to the account's inbound_callback as message.received, verified with standardwebhooks", async () => {
    const account = await createAccount();
    const receiver = fakeReceiver();
    try {
      const updated = await setInboundCallback(account, receiver.url);
      expect(updated).toMatchObject({ object: "account", inbound_callback: receiver.url });
      const inbound = await (await simulateReply(account, { text: "Where is my order?" })).json<{ id: string }>();

      expect(receiver.requests).toHaveLength(1);
      const [request] = receiver.requests;
      const event = new Webhook(account.webhookSecret).verify(request!.body, Object.fromEntries(request!.headers)) as Record<string, unknown>;
      expect(event).toEqual({
        id: request!.headers.get("webhook-id"),
        object: "event",
        type: "message.received",
        created_at: expect.any(Number),
        // About the message itself, not one of its delivery attempts.
        attempt: null,
        data: expect.objectContaining({ id: inbound.id, direction: "inbound", status: "received", content: { text: "Where is my order?" } }),
      });
      const events = await (await api(`/v1/messages/${inbound.id}/events`, { key: account.key })).json<{
        data: { type: string; data: Record<string, unknown> }[];
      }>();
      expect(events.data.map((e) => e.type)).toEqual(["message.received", "webhook.attempt"]);
      expect(events.data[1]!.data).toMatchObject({ event_type: "message.received", outcome: "delivered", http_status: 200 });
    } finally {
      receiver.restore();
    }
  });

  it("does not count against the daily cap (it sends nothing)", async () => {
    const account = await createAccount("test", { dailyMessageLimit: 1 });
    for (let i = 0; i < 3; i++) expect((await simulateReply(account, { text: `reply ${i}` })).status).toBe(201);
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
  });
});

describe("POST /v1/account inbound_callback", () => {
  it("is refused with the status_callback rules, and an empty string removes it", async () => {
    const account = await createAccount();
    await expectError(await api("/v1/account", { key: account.key, json: { inbound_callback: "http://169.254.169.254/latest" } }), 400, {
      code: "parameter_invalid",
      param: "inbound_callback",
    });
    await setInboundCallback(account, "https://your-app.com/inbound");
    expect(await setInboundCallback(account, "")).toMatchObject({ inbound_callback: null });
  });

  it("is https-only on a public name for a live account", async () => {
    const live = await createAccount("live");
    await expectError(await api("/v1/account", { key: live.key, json: { inbound_callback: "http://localhost:3000/inbound" } }), 400, {
      param: "inbound_callback",
    });
  });
});
