// Each adapter's request against the provider's own published OpenAPI
// description (test/fixtures/provider-specs, copied from the providers' repos)
// or, for WhatsApp, which publishes none, Meta's documented message shape.
import { afterEach, describe, expect, it } from "vitest";
import { fakeProviders } from "../support/fake-http.ts";
import { resend, twilio, whatsapp } from "./adapters.fixture.ts";

let fake: ReturnType<typeof fakeProviders>;
afterEach(() => fake?.restore());

describe("Twilio adapter", () => {
  it("maps a 400 with Twilio error 21211 to a permanent invalid_number failure", async () => {
    fake = fakeProviders();
    fake.respondWith(() => Response.json({ code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }, { status: 400 }));
    const result = await twilio.send({ messageId: "msg_1", to: "+14155550123", from: "+14155550100", content: { channel: "sms", text: "x" }, attempt: 1 });
    expect(result).toMatchObject({ ok: false, retryable: false, code: "invalid_number", httpStatus: 400 });
  });

  it.each([429, 500, 503])("treats HTTP %i as retryable and honours Retry-After", async (status) => {
    fake = fakeProviders();
    fake.respondWith(() => new Response("busy", { status, headers: { "Retry-After": "30" } }));
    const result = await twilio.send({ messageId: "msg_1", to: "+14155550123", from: "+14155550100", content: { channel: "sms", text: "x" }, attempt: 1 });
    expect(result).toMatchObject({ ok: false, retryable: true, code: "provider_unavailable", retryAfterSeconds: 30 });
  });

  it("treats a network error as retryable", async () => {
    fake = fakeProviders();
    fake.respondWith(() => {
      throw new TypeError("Network connection lost.");
    });
    const result = await twilio.send({ messageId: "msg_1", to: "+14155550123", from: "+14155550100", content: { channel: "sms", text: "x" }, attempt: 1 });
    expect(result).toMatchObject({ ok: false, retryable: true, code: "provider_unreachable" });
  });
});

describe("Resend adapter", () => {
  it("maps a 422 validation error to a permanent failure", async () => {
    fake = fakeProviders();
    fake.respondWith(() => Response.json({ statusCode: 422, name: "validation_error", message: "Invalid `to` field." }, { status: 422 }));
    const result = await resend.send({ messageId: "m", to: "a@b.co", from: "x@y.co", content: { channel: "email", subject: "s", text: "t" }, attempt: 1 });
    expect(result).toMatchObject({ ok: false, retryable: false, code: "invalid_email" });
  });
});

describe("WhatsApp Cloud API adapter", () => {
  it("maps error 132001 (template does not exist) to template_rejected, and 130429 (rate limit) to a retry", async () => {
    fake = fakeProviders();
    fake.respondWith(
      () => Response.json({ error: { message: "Template name does not exist in the translation", type: "OAuthException", code: 132001 } }, { status: 404 }),
      () => Response.json({ error: { message: "Rate limit hit", type: "OAuthException", code: 130429 } }, { status: 400 }),
    );
    const request = { messageId: "m", to: "+919876543210", from: "x", content: { channel: "whatsapp" as const, type: "text" as const, text: "t" }, attempt: 1 };
    expect(await whatsapp.send(request)).toMatchObject({ ok: false, retryable: false, code: "template_rejected" });
    expect(await whatsapp.send(request)).toMatchObject({ ok: false, retryable: true, code: "provider_unavailable" });
  });
});
