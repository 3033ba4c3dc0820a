import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { createAccount, seedExample } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";

afterEach(() => vi.restoreAllMocks());

describe("POST /v1/messages", () => {
  it("creates the reference's WhatsApp template message and answers 201 with the message object", async () => {
    const account = await createAccount();
    await seedExample(account);
    const before = Math.floor(Date.now() / 1000);
    const res = await api("/v1/messages", {
      key: account.key,
      json: {
        channel: "WHATSAPP",
        to: "+919876543210",
        from: "omni_verify",
        content: { template_id: "auth_otp", variables: { code: "849201" } },
        status_callback: "https://your-app.com/webhooks/omniflow",
      },
    });
    expect(res.status).toBe(201);
    const message = await res.json<Record<string, unknown>>();
    expect(message).toEqual({
      id: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
      object: "message",
      direction: "outbound",
      channel: "whatsapp",
      to: "+919876543210",
      from: "omni_verify",
      content: { template_id: "auth_otp", variables: { code: "849201" } },
      content_retention: "retain",
      redacted_at: null,
      status: "queued",
      status_callback: "https://your-app.com/webhooks/omniflow",
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
      // The default card has no rates: nothing is priced.
      price: null,
      price_unit: null,
      price_status: null,
      metadata: {},
      batch_id: null,
    });
    expect(message.created_at).toBeGreaterThanOrEqual(before);
    expect(res.headers.get("X-Request-Id")).toMatch(/^req_/);
  });

  it("stores the message and publishes its id to the queue", async () => {
    const account = await createAccount();
    const send = vi.spyOn(env.MESSAGES_QUEUE, "send");
    const res = await api("/v1/messages", { key: account.key, json: smsBody() });
    const { id } = await res.json<{ id: string }>();
    const [row] = await messageDb(id).select().from(messages).where(eq(messages.id, id));
    expect(row).toMatchObject({ accountId: account.id, channel: "sms", to: "+14155550123", status: "queued" });
    // With the gate's answer that the account has no webhook endpoints: its object asks for none (docs/webhook-endpoints.md).
    expect(send).toHaveBeenCalledWith({ messageId: id, endpoints: false }, { contentType: "json" });
  });

  it("stores the same message from JSON and from form encoding with bracket notation", async () => {
    const account = await createAccount();
    await seedExample(account);
    const json = await api("/v1/messages", {
      key: account.key,
      json: {
        channel: "whatsapp",
        to: "+919876543210",
        from: "omni_verify",
        content: { template_id: "auth_otp", variables: { code: 849201 } },
        status_callback: "https://your-app.com/hook",
      },
    });
    const form = await api("/v1/messages", {
      key: account.key,
      form: new URLSearchParams({
        channel: "WHATSAPP",
        to: "+919876543210",
        from: "omni_verify",
        "content[template_id]": "auth_otp",
        "content[variables][code]": "849201",
        status_callback: "https://your-app.com/hook",
      }).toString(),
    });
    expect(json.status).toBe(201);
    expect(form.status).toBe(201);
    const strip = ({ id: _id, created_at: _created, ...rest }: Record<string, unknown>) => rest;
    expect(strip(await form.json())).toEqual(strip(await json.json()));
  });

  it("reads an unescaped '+' in a form-encoded number (sent as a space) as the '+' it was", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, form: "channel=sms&to=+14155550123&content[text]=hi" });
    expect(res.status).toBe(201);
    expect((await res.json<{ to: string }>()).to).toBe("+14155550123");
  });

  it.each([
    ["sms", "SMS", "+15005550006"],
    ["whatsapp", "WhatsApp", "+15005550006"],
    ["email", "Email", "OmniFlow Sandbox <sandbox@omniflow.dev>"],
  ])("accepts channel %s in any letter case and uses the sandbox sender when from is omitted", async (channel, given, sender) => {
    const account = await createAccount();
    const content = channel === "email" ? { subject: "Receipt", html: "<p>Thanks</p>" } : { text: "hi" };
    const to = channel === "email" ? "ana@example.com" : "+447911123456";
    const res = await api("/v1/messages", { key: account.key, json: { channel: given, to, content } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ channel, from: sender, to, content });
  });

  it("normalizes a phone number to E.164 and accepts a phone-number sender", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, json: smsBody({ to: "+44 7911 123456", from: "+1 415 555 0199" }) });
    expect(await res.json()).toMatchObject({ to: "+447911123456", from: "+14155550199" });
  });

  it("accepts http and localhost callbacks for test keys, for local development", async () => {
    const account = await createAccount("test");
    const res = await api("/v1/messages", { key: account.key, json: smsBody({ status_callback: "http://localhost:3000/hooks" }) });
    expect(res.status).toBe(201);
  });
});
