// Each adapter's request against the provider's own published OpenAPI
// description (test/fixtures/provider-specs, copied from the providers' repos)
// or, for WhatsApp, which publishes none, Meta's documented message shape.
import { afterEach, describe, expect, it } from "vitest";
import resendSpec from "../fixtures/provider-specs/resend-emails.openapi.json";
import twilioSpec from "../fixtures/provider-specs/twilio-messages.openapi.json";
import { fakeProviders } from "../support/fake-http.ts";
import { resend, twilio, whatsapp } from "./adapters.fixture.ts";

let fake: ReturnType<typeof fakeProviders>;
afterEach(() => fake?.restore());

describe("Twilio adapter", () => {
  const operation = twilioSpec.paths["/2010-04-01/Accounts/{AccountSid}/Messages.json"].post;
  const formSchema = operation.requestBody.content["application/x-www-form-urlencoded"].schema;

  it("posts the documented form fields to the Messages resource with HTTP Basic auth", async () => {
    fake = fakeProviders();
    const result = await twilio.send({
      messageId: "msg_1",
      to: "+14155550123",
      from: "+14155550100",
      content: { channel: "sms", text: "Your code is 849201" },
      attempt: 1,
    });
    expect(result).toMatchObject({ ok: true, providerMessageId: expect.stringMatching(/^SM/) });
    const [request] = fake.requests;
    expect(request!.method).toBe("POST");
    expect(request!.url.pathname).toBe("/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json");
    expect(Object.keys(operation.requestBody.content)).toContain(request!.headers.get("content-type"));
    expect(request!.headers.get("authorization")).toBe(`Basic ${btoa("AC00000000000000000000000000000001:token")}`);
    expect(twilioSpec.components.securitySchemes.accountSid_authToken).toEqual({ scheme: "basic", type: "http" });
    const form = Object.fromEntries(new URLSearchParams(request!.body));
    expect(form).toEqual({
      To: "+14155550123",
      From: "+14155550100",
      Body: "Your code is 849201",
      StatusCallback: "https://api.omniflow.test/v1/providers/twilio/status?message_id=msg_1",
    });
    for (const field of Object.keys(form)) expect(Object.keys(formSchema.properties)).toContain(field);
    for (const field of formSchema.required) expect(form).toHaveProperty(field);
  });
});

describe("Resend adapter", () => {
  const operation = resendSpec.paths["/emails"].post;
  const bodySchema = resendSpec.components.schemas.SendEmailRequest;

  it("posts the documented JSON to /emails with Bearer auth and the message id as Idempotency-Key", async () => {
    fake = fakeProviders();
    const result = await resend.send({
      messageId: "msg_2",
      to: "ana@example.com",
      from: "Acme <noreply@acme.example>",
      content: { channel: "email", subject: "Receipt", html: "<p>Thanks</p>", text: "Thanks" },
      attempt: 1,
    });
    expect(result).toMatchObject({ ok: true });
    const [request] = fake.requests;
    expect(request!.method).toBe("POST");
    expect(request!.url.pathname).toBe("/emails");
    expect(request!.headers.get("authorization")).toBe("Bearer re_key");
    expect(resendSpec.components.securitySchemes.bearerAuth).toEqual({ type: "http", scheme: "bearer" });
    expect(operation.parameters.map((p) => p.name)).toContain("Idempotency-Key");
    expect(request!.headers.get("idempotency-key")).toBe("msg_2");
    expect(Object.keys(operation.requestBody.content)).toContain(request!.headers.get("content-type"));
    const body = JSON.parse(request!.body);
    expect(body).toEqual({
      from: "Acme <noreply@acme.example>",
      to: ["ana@example.com"],
      subject: "Receipt",
      html: "<p>Thanks</p>",
      text: "Thanks",
      tags: [{ name: "omniflow_message_id", value: "msg_2" }],
    });
    for (const field of Object.keys(body)) expect(Object.keys(bodySchema.properties)).toContain(field);
    for (const field of bodySchema.required) expect(body).toHaveProperty(field);
  });
});

describe("WhatsApp Cloud API adapter", () => {
  it("posts a text message to /{phone-number-id}/messages with a Bearer token", async () => {
    fake = fakeProviders();
    const result = await whatsapp.send({
      messageId: "msg_3",
      to: "+919876543210",
      from: "omni_verify",
      content: { channel: "whatsapp", type: "text", text: "hello" },
      attempt: 1,
    });
    expect(result).toMatchObject({ ok: true, providerMessageId: expect.stringMatching(/^wamid\./) });
    const [request] = fake.requests;
    expect(request!.url.pathname).toBe("/v23.0/106540352242922/messages");
    expect(request!.headers.get("authorization")).toBe("Bearer wa-token");
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(request!.body)).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "919876543210",
      biz_opaque_callback_data: "msg_3",
      type: "text",
      text: { body: "hello", preview_url: false },
    });
  });

  it("sends an approved template with its language and body parameters in order, from the sender's own phone-number id", async () => {
    fake = fakeProviders();
    await whatsapp.send({
      messageId: "msg_4",
      to: "+919876543210",
      from: "+14155550100",
      fromId: "109876543210987",
      content: { channel: "whatsapp", type: "template", name: "auth_otp", language: "en_US", bodyParams: ["849201", "10"] },
      attempt: 1,
    });
    const [request] = fake.requests;
    expect(request!.url.pathname).toBe("/v23.0/109876543210987/messages");
    expect(JSON.parse(request!.body)).toMatchObject({
      type: "template",
      template: {
        name: "auth_otp",
        language: { code: "en_US" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "849201" },
              { type: "text", text: "10" },
            ],
          },
        ],
      },
    });
  });
});
