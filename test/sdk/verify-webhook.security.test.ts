import { describe, expect, it } from "vitest";
import { type OmniFlow, verifyWebhook, WebhookVerificationError } from "../../sdk/src/index.ts";
import { signedHeaders } from "../../src/delivery/webhooks.ts";
import { createAccount } from "../support/accounts.ts";
import { clientFor } from "./sdk.fixture.ts";

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
