// GET /v1/messages/:id returns the message object exactly as created.
import { describe, expect, it } from "vitest";
import { createAccount, seedExample } from "../support/accounts.ts";
import { api } from "../support/api.ts";

const MESSAGE_FIELDS = [
  "attempts",
  "batch_id",
  "channel",
  "content",
  "content_retention",
  "created_at",
  "delivered_at",
  "delivered_channel",
  "direction",
  "encoding",
  "error",
  "expires_at",
  "fallback",
  "fallback_after",
  "from",
  "id",
  "metadata",
  "mms_fallback_applied",
  "object",
  "price",
  "price_status",
  "price_unit",
  "provider_latency_ms",
  "redacted_at",
  "segments",
  "send_at",
  "status",
  "status_callback",
  "to",
];

describe("GET /v1/messages/:id", () => {
  it.each([
    [
      "a WhatsApp template message",
      {
        channel: "WHATSAPP",
        to: "+919876543210",
        from: "omni_verify",
        content: { template_id: "auth_otp", variables: { code: "849201" } },
        status_callback: "https://your-app.com/webhooks/omniflow",
      },
    ],
    ["an SMS", { channel: "sms", to: "+14155550123", content: { text: "Your code is 849201" } }],
    ["an email", { channel: "Email", to: "ana@example.com", content: { subject: "Receipt", text: "Thanks", html: "<p>Thanks</p>" } }],
  ])("returns %s with the same object the create call returned", async (_case, body) => {
    const account = await createAccount();
    await seedExample(account);
    const created = await api("/v1/messages", { key: account.key, json: body });
    expect(created.status).toBe(201);
    const message = await created.json<{ id: string }>();

    const res = await api(`/v1/messages/${message.id}`, { key: account.key });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const retrieved = await res.json<Record<string, unknown>>();
    expect(retrieved).toEqual(message);
    expect(Object.keys(retrieved).sort()).toEqual(MESSAGE_FIELDS);
    expect(retrieved).toMatchObject({ object: "message", status: "queued", delivered_at: null, provider_latency_ms: null, error: null });
  });

  it("returns status_callback as null when none was given", async () => {
    const account = await createAccount();
    const created = await api("/v1/messages", { key: account.key, json: { channel: "SMS", to: "+14155550123", content: { text: "hi" } } });
    const { id } = await created.json<{ id: string }>();
    expect(await (await api(`/v1/messages/${id}`, { key: account.key })).json()).toMatchObject({ id, status_callback: null });
  });
});
