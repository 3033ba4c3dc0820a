// Provider signatures checked against values made by the providers' own code,
// never by ours: Twilio's helper library and node:crypto (in Node, before the
// suite: test/setup/provider-signatures.ts) and Svix's library for Resend.
import { env } from "cloudflare:workers";
import { Webhook } from "svix";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { PROVIDER_SECRETS, SIGNED_TWILIO, SIGNED_WHATSAPP } from "../fixtures/signed-reports.ts";
import { api } from "../support/api.ts";
import { projectedMessage } from "../support/db.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";

let fake: ReturnType<typeof fakeProviders>;
afterEach(() => {
  fake?.restore();
  vi.restoreAllMocks();
});

const signatures = inject("providerSignatures");

describe("Twilio's X-Twilio-Signature, as Twilio's library makes it", () => {
  const post = (signature: string, params: Record<string, string> = SIGNED_TWILIO.params) =>
    api(SIGNED_TWILIO.url.slice("http://api.omniflow.test".length), {
      key: null,
      form: new URLSearchParams(params).toString(),
      headers: { "X-Twilio-Signature": signature },
    });

  it("is accepted, and the report moves the message it names", async () => {
    fake = fakeProviders();
    fake.respondWith(() => Response.json({ sid: SIGNED_TWILIO.params.MessageSid, status: "queued" }, { status: 201 }));
    const { id } = await handedOff("sms", { id: SIGNED_TWILIO.messageId, to: SIGNED_TWILIO.params.To, from: SIGNED_TWILIO.params.From });
    const res = await post(signatures.twilio);
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
  });

  it("is refused once any signed parameter changes", async () => {
    const res = await post(signatures.twilio, { ...SIGNED_TWILIO.params, MessageStatus: "failed" });
    expect(res.status).toBe(401);
  });
});

describe("Meta's X-Hub-Signature-256, as node:crypto makes it with the whole app secret", () => {
  const post = (signature: string, body: string = SIGNED_WHATSAPP.body) =>
    api("/v1/providers/whatsapp/webhook", {
      key: null,
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature },
    });

  it("is accepted, and the report moves the message it names", async () => {
    fake = fakeProviders();
    fake.respondWith(() =>
      Response.json({
        messaging_product: "whatsapp",
        contacts: [{ input: "+919876543210", wa_id: "919876543210" }],
        messages: [{ id: SIGNED_WHATSAPP.wamid }],
      }),
    );
    const { id } = await handedOff("whatsapp", { id: SIGNED_WHATSAPP.messageId });
    const res = await post(signatures.whatsapp);
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
  });

  it("is refused over a body changed by one character", async () => {
    const res = await post(signatures.whatsapp, SIGNED_WHATSAPP.body.replace('"delivered"', '"read"      '));
    expect(res.status).toBe(401);
  });
});

describe("Resend's Svix signature, as the svix library makes it", () => {
  const event = (emailId: string, messageId: string) =>
    JSON.stringify({
      type: "email.delivered",
      created_at: new Date().toISOString(),
      data: { email_id: emailId, to: ["ana@example.com"], tags: { omniflow_message_id: messageId } },
    });
  function signedHeaders(body: string, at: Date) {
    const id = `msg_${crypto.randomUUID()}`;
    const signature = new Webhook(PROVIDER_SECRETS.resendWebhookSecret).sign(id, at, body);
    return { "Content-Type": "application/json", "svix-id": id, "svix-timestamp": String(Math.floor(at.getTime() / 1000)), "svix-signature": signature };
  }
  const post = (body: string, headers: Record<string, string>) => api("/v1/providers/resend/webhook", { key: null, method: "POST", body, headers });

  it("is accepted when fresh, and the report moves the message it names", async () => {
    expect(env.RESEND_WEBHOOK_SECRET).toBe(PROVIDER_SECRETS.resendWebhookSecret);
    fake = fakeProviders();
    const { id, providerMessageId } = await handedOff("email");
    const body = event(providerMessageId, id);
    const res = await post(body, signedHeaders(body, new Date()));
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
  });

  it.each([
    ["6 minutes old", -6 * 60],
    ["6 minutes in the future", 6 * 60],
  ])("is refused when correctly signed but %s (a replay), and changes nothing", async (_, offsetSeconds) => {
    fake = fakeProviders();
    const { id, providerMessageId } = await handedOff("email");
    const body = event(providerMessageId, id);
    const res = await post(body, signedHeaders(body, new Date(Date.now() + offsetSeconds * 1000)));
    expect(res.status).toBe(401);
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });

  it("accepts one signed 4 minutes ago (inside the 5-minute tolerance)", async () => {
    fake = fakeProviders();
    const { id, providerMessageId } = await handedOff("email");
    const body = event(providerMessageId, id);
    expect((await post(body, signedHeaders(body, new Date(Date.now() - 4 * 60 * 1000)))).status).toBe(200);
  });
});
