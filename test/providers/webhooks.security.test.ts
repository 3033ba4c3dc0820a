// Each adapter's webhook side on its own, without the HTTP layer: it believes
// a request only once its own signature style verifies (signatures made by the
// providers' libraries or by test/support/provider-signing.ts, never by src/),
// and reads its receipts and inbound messages; without its secret it believes
// nothing.
import { Webhook } from "svix";
import { describe, expect, inject, it } from "vitest";
import { resendWebhooks } from "../../src/providers/resend.ts";
import { twilioWebhooks } from "../../src/providers/twilio.ts";
import { whatsappWebhooks } from "../../src/providers/whatsapp.ts";
import { PROVIDER_SECRETS, SIGNED_TWILIO, SIGNED_TWILIO_INBOUND, SIGNED_WHATSAPP } from "../fixtures/signed-reports.ts";
import { metaRequestSignature, resendEvent } from "../support/provider-signing.ts";

const signatures = inject("providerSignatures");
const refused = { ok: false, problem: "invalid_signature" };

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe("twilioWebhooks", () => {
  const twilio = twilioWebhooks(PROVIDER_SECRETS.twilioAuthToken);
  const statusRequest = (signature: string, params: Record<string, string> = SIGNED_TWILIO.params) => ({
    url: SIGNED_TWILIO.url,
    headers: new Headers({ "X-Twilio-Signature": signature }),
    body: form(params),
  });

  it("reads a status callback signed by Twilio's library as a receipt for the message its URL names", async () => {
    const reading = await twilio.read(statusRequest(signatures.twilio));
    expect(reading).toMatchObject({
      ok: true,
      receipts: [{ provider: "twilio", messageId: SIGNED_TWILIO.messageId, providerMessageId: SIGNED_TWILIO.params.MessageSid, status: "delivered" }],
      inbound: [],
    });
  });

  it("reads an incoming message signed by Twilio's library", async () => {
    const { params, url } = SIGNED_TWILIO_INBOUND;
    const reading = await twilio.read({ url, headers: new Headers({ "X-Twilio-Signature": signatures.twilioInbound }), body: form(params) });
    expect(reading).toMatchObject({
      ok: true,
      inbound: [{ provider: "twilio", from: params.From, to: params.To, text: params.Body, providerMessageId: params.MessageSid }],
    });
  });

  it("refuses a changed parameter, a missing signature, and everything when no auth token is configured", async () => {
    expect(await twilio.read(statusRequest(signatures.twilio, { ...SIGNED_TWILIO.params, MessageStatus: "failed" }))).toEqual(refused);
    expect(await twilio.read(statusRequest(""))).toEqual(refused);
    expect(await twilioWebhooks(undefined).read(statusRequest(signatures.twilio))).toEqual(refused);
  });
});

describe("whatsappWebhooks", () => {
  const whatsapp = whatsappWebhooks({ appSecret: PROVIDER_SECRETS.whatsappAppSecret, verifyToken: "verify-me" });
  const request = (body: string, signature: string) => ({
    url: "https://api.omniflow.test/v1/providers/whatsapp/webhook",
    headers: new Headers({ "X-Hub-Signature-256": signature }),
    body,
  });

  it("reads a notification signed with node:crypto as its status updates", async () => {
    const reading = await whatsapp.read(request(SIGNED_WHATSAPP.body, signatures.whatsapp));
    expect(reading).toMatchObject({
      ok: true,
      receipts: [{ provider: "whatsapp", messageId: SIGNED_WHATSAPP.messageId, providerMessageId: SIGNED_WHATSAPP.wamid, status: "delivered" }],
      inbound: [],
    });
  });

  it("refuses a body changed after signing and everything when no app secret is configured", async () => {
    expect(await whatsapp.read(request(SIGNED_WHATSAPP.body.replace("delivered", "failed"), signatures.whatsapp))).toEqual(refused);
    expect(await whatsappWebhooks({ verifyToken: "verify-me" }).read(request(SIGNED_WHATSAPP.body, signatures.whatsapp))).toEqual(refused);
  });

  it("tells a signed body that is not JSON from a bad signature", async () => {
    const body = "{not json";
    expect(await whatsapp.read(request(body, await metaRequestSignature(PROVIDER_SECRETS.whatsappAppSecret, body)))).toEqual({
      ok: false,
      problem: "invalid_json",
    });
  });

  it("answers Meta's subscription handshake with its challenge only for the verify token", () => {
    const query = (token: string, mode = "subscribe") => new URLSearchParams({ "hub.mode": mode, "hub.verify_token": token, "hub.challenge": "1158201444" });
    expect(whatsapp.handshake(query("verify-me"))).toBe("1158201444");
    expect(whatsapp.handshake(query("guess"))).toBeNull();
    expect(whatsapp.handshake(query("verify-me", "unsubscribe"))).toBeNull();
    expect(whatsappWebhooks({ appSecret: PROVIDER_SECRETS.whatsappAppSecret }).handshake(query(""))).toBeNull();
  });
});

describe("resendWebhooks", () => {
  const resend = resendWebhooks(PROVIDER_SECRETS.resendWebhookSecret);
  const body = resendEvent("email.delivered", "4ef9a417-02e9-4d39-ad75-9611e0fcc33c", "msg_019ec8f3a1b27c3d8e9f0a1b2c30002");
  // Svix's own library signs, as Resend's servers do.
  const signed = (secret: string) => {
    const id = "msg_2Lh9KRb0pzN4LePd3XiA4xzkYf7";
    const timestamp = new Date();
    const signature = new Webhook(secret).sign(id, timestamp, body);
    return new Headers({ "svix-id": id, "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "svix-signature": signature });
  };

  it("reads an event signed by Svix's library as a receipt for the message its tag names", async () => {
    const reading = await resend.read({
      url: "https://api.omniflow.test/v1/providers/resend/webhook",
      headers: signed(PROVIDER_SECRETS.resendWebhookSecret),
      body,
    });
    expect(reading).toMatchObject({
      ok: true,
      receipts: [
        {
          provider: "resend",
          messageId: "msg_019ec8f3a1b27c3d8e9f0a1b2c30002",
          providerMessageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
          status: "delivered",
        },
      ],
      inbound: [],
    });
  });

  it("refuses another secret's signature and everything when no secret is configured", async () => {
    const url = "https://api.omniflow.test/v1/providers/resend/webhook";
    expect(await resend.read({ url, headers: signed("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), body })).toEqual(refused);
    expect(await resendWebhooks(undefined).read({ url, headers: signed(PROVIDER_SECRETS.resendWebhookSecret), body })).toEqual(refused);
  });
});
