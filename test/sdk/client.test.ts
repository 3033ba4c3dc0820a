// The SDK (sdk/) against the Worker: every request goes through the Worker's own fetch.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Message, OmniFlow, OmniFlowError, verifyWebhook, WebhookVerificationError } from "../../sdk/src/index.ts";
import { signedHeaders } from "../../src/delivery/webhooks.ts";
import { createAccount, seedExample } from "../support/accounts.ts";

function clientFor(apiKey: string, seen: Request[] = []) {
  return new OmniFlow({
    apiKey,
    baseUrl: "http://api.omniflow.test",
    fetch: (request) => {
      seen.push(request.clone());
      return exports.default.fetch(request);
    },
  });
}

describe("the SDK against the Worker", () => {
  it("creates a message, then retrieves it", async () => {
    const account = await createAccount();
    await seedExample(account);
    const omniflow = clientFor(account.key);
    const created = await omniflow.messages.create({
      channel: "WHATSAPP",
      to: "+919876543210",
      from: "omni_verify",
      content: { template_id: "auth_otp", variables: { code: "849201" } },
      status_callback: "https://your-app.com/webhooks/omniflow",
    });
    expect(created).toMatchObject({ object: "message", channel: "whatsapp", status: "queued", to: "+919876543210" });
    expect(await omniflow.messages.retrieve(created.id)).toEqual(created);
  });

  it("authenticates with the key as a Bearer token and sends Idempotency-Key when given", async () => {
    const account = await createAccount();
    const seen: Request[] = [];
    await clientFor(account.key, seen).messages.create(
      { channel: "sms", to: "+14155550123", content: { text: "hi" } },
      { idempotencyKey: "order-1234-otp" },
    );
    expect(seen[0]!.headers.get("authorization")).toBe(`Bearer ${account.key}`);
    expect(seen[0]!.headers.get("idempotency-key")).toBe("order-1234-otp");
  });

  it("lists every message across pages, newest first, with auto-pagination", async () => {
    const account = await createAccount();
    const omniflow = clientFor(account.key);
    const created: Message[] = [];
    for (const text of ["one", "two", "three", "four", "five"]) {
      created.push(await omniflow.messages.create({ channel: "sms", to: "+14155550123", content: { text } }));
    }
    const seen: Request[] = [];
    const listed: Message[] = [];
    for await (const message of clientFor(account.key, seen).messages.list({ limit: 2 })) listed.push(message);
    expect(listed.map((m) => m.id)).toEqual(created.map((m) => m.id).reverse());
    expect(seen).toHaveLength(3);
  });

  it("stops after an empty first page", async () => {
    const account = await createAccount();
    const listed: Message[] = [];
    for await (const message of clientFor(account.key).messages.list()) listed.push(message);
    expect(listed).toEqual([]);
  });

  it("throws OmniFlowError with the error object's fields and the request id", async () => {
    const account = await createAccount();
    const error = await clientFor(account.key)
      .messages.create({ channel: "sms", to: "not-a-number", content: { text: "hi" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OmniFlowError);
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", code: "parameter_invalid", param: "to" });
    expect((error as OmniFlowError).requestId).toMatch(/^req_/);

    const missing = await clientFor(account.key).messages.retrieve("msg_0123456789abcdef0123456789abcdef").catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: "resource_missing", param: "id" });
    const unauthenticated = await clientFor("sk_test_v2_wrong").messages.listPage().catch((e: unknown) => e);
    expect(unauthenticated).toMatchObject({ status: 401, type: "authentication_error" });
  });
});

describe("verifyWebhook", () => {
  const event = {
    id: "evt_019ec8f3a1c47c3d8e9f0a1b2c3d4e5f",
    object: "event",
    type: "message.delivered",
    created_at: 1718329484,
    data: { id: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f", object: "message", status: "delivered" },
  };
  const payload = JSON.stringify(event);

  /** The secret as a customer gets it: GET /v1/account, through the SDK's typed client. */
  async function signingSecret(omniflow: OmniFlow): Promise<string> {
    const { data } = await omniflow.client.GET("/v1/account");
    return data!.webhook_signing_secret;
  }

  it("accepts a callback signed by the Worker's own signer with the secret from GET /v1/account", async () => {
    const account = await createAccount();
    const secret = await signingSecret(clientFor(account.key));
    const headers = signedHeaders([secret], event.id, payload);
    expect(verifyWebhook(payload, new Headers(headers), secret)).toEqual(event);
    expect(verifyWebhook(payload, headers, secret)).toEqual(event);
  });

  it("accepts either secret while a rolled secret overlaps (two signatures)", async () => {
    const account = await createAccount();
    const omniflow = clientFor(account.key);
    const old = await signingSecret(omniflow);
    await omniflow.client.POST("/v1/account/webhook_secret/roll");
    const current = await signingSecret(omniflow);
    const headers = signedHeaders([current, old], event.id, payload);
    expect(verifyWebhook(payload, headers, old)).toEqual(event);
    expect(verifyWebhook(payload, headers, current)).toEqual(event);
  });

  it("throws for a changed body, another secret, a stale timestamp or a missing signature", async () => {
    const account = await createAccount();
    const other = await createAccount();
    const headers = signedHeaders([account.webhookSecret], event.id, payload);
    expect(() => verifyWebhook(payload.replace("delivered", "failed"), headers, account.webhookSecret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(payload, headers, other.webhookSecret)).toThrow(WebhookVerificationError);
    const stale = signedHeaders([account.webhookSecret], event.id, payload, new Date(Date.now() - 10 * 60 * 1000));
    expect(() => verifyWebhook(payload, stale, account.webhookSecret)).toThrow(WebhookVerificationError);
    const { "webhook-signature": _, ...unsigned } = headers;
    expect(() => verifyWebhook(payload, unsigned, account.webhookSecret)).toThrow(WebhookVerificationError);
  });
});
