// The account's webhook signing secret, and rolling it without downtime.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { signingSecrets } from "../../src/delivery/webhooks.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders, fakeReceiver, type RecordedRequest } from "../support/fake-http.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";
import { eventually } from "../support/wait.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const DAY = 24 * 60 * 60;

async function account(test: TestAccount) {
  return (await api("/v1/account", { key: test.key })).json<Record<string, unknown> & { webhook_signing_secret: string }>();
}

function verifies(secret: string, request: RecordedRequest): boolean {
  vi.useFakeTimers({ toFake: ["Date"], now: Number(request.headers.get("webhook-timestamp")) * 1000 });
  try {
    new Webhook(secret).verify(request.body, Object.fromEntries(request.headers));
    return true;
  } catch {
    return false;
  } finally {
    vi.useRealTimers();
  }
}

describe("GET /v1/account", () => {
  it("returns the key's account with its whsec_ signing secret", async () => {
    const test = await createAccount("live");
    expect(await account(test)).toEqual({
      id: test.id,
      object: "account",
      name: test.id,
      mode: "live",
      webhook_signing_secret: test.webhookSecret,
      previous_webhook_signing_secret_expires_at: null,
      inbound_callback: null,
      created_at: expect.any(Number),
      recipient_limits: { per_hour: null },
      retention_days: 400,
      spend_limits: { daily: null, monthly: null },
      usage_alerts: [],
      verification_limits: { per_prefix_per_hour: 30 },
    });
    expect(atob(test.webhookSecret.slice("whsec_".length))).toHaveLength(32);
  });
});

describe("POST /v1/account/webhook_secret/roll", () => {
  it("issues a new secret and signs with both for 24 hours, then with the new one only", async () => {
    const test = await createAccount("live");
    const other = await createAccount("live");
    const old = test.webhookSecret;
    const rolled = await (await api("/v1/account/webhook_secret/roll", { key: test.key, method: "POST" })).json<Record<string, unknown>>();
    const fresh = rolled.webhook_signing_secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(rolled.previous_webhook_signing_secret_expires_at).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + DAY - 5);
    expect((await account(test)).webhook_signing_secret).toBe(fresh);
    expect((await account(other)).webhook_signing_secret).toBe(other.webhookSecret);

    const receiver = fakeReceiver();
    fakeProviders();
    const id = await storeMessage(test, { statusCallback: receiver.url });
    await runConsumer([id]);
    await eventually(() => receiver.requests.length === 1);
    const during = receiver.requests[0]!;
    expect(during.headers.get("webhook-signature")!.split(" ")).toHaveLength(2);
    expect(verifies(old, during)).toBe(true);
    expect(verifies(fresh, during)).toBe(true);

    // A day and a bit later: the next status change is signed with the new secret alone.
    const stub = messageStatusStub(env, id);
    const attempt = (await stub.events()).find((event) => event.type === "provider.attempt")!;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + (DAY + 60) * 1000 });
    await stub.receipt({ provider: "twilio", messageId: id, providerMessageId: attempt.data.provider_message_id as string, status: "delivered", detail: "" });
    await runDurableObjectAlarm(stub);
    vi.useRealTimers();
    const after = receiver.requests[1]!;
    expect(after.headers.get("webhook-signature")!.split(" ")).toHaveLength(1);
    expect(verifies(fresh, after)).toBe(true);
    expect(verifies(old, after)).toBe(false);
    receiver.restore();
  });

  it("signs a message's next callback with a secret rolled after its first, once a second has passed", async () => {
    const test = await createAccount("live");
    const receiver = fakeReceiver();
    fakeProviders();
    const id = await storeMessage(test, { statusCallback: receiver.url });
    await runConsumer([id]);
    await eventually(() => receiver.requests.length === 1);
    expect(verifies(test.webhookSecret, receiver.requests[0]!)).toBe(true);

    const rolled = await (await api("/v1/account/webhook_secret/roll", { key: test.key, method: "POST" })).json<{ webhook_signing_secret: string }>();
    const fresh = rolled.webhook_signing_secret;
    expect(verifies(fresh, receiver.requests[0]!)).toBe(false);
    // The message's object holds the secrets it read for a second; the next callback after that reads them again.
    const stub = messageStatusStub(env, id);
    const attempt = (await stub.events()).find((event) => event.type === "provider.attempt")!;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 1_100 });
    await stub.receipt({ provider: "twilio", messageId: id, providerMessageId: attempt.data.provider_message_id as string, status: "delivered", detail: "" });
    vi.useRealTimers();
    await eventually(() => receiver.requests.length === 2);
    const next = receiver.requests[1]!;
    expect(verifies(fresh, next)).toBe(true);
    // The old secret signs beside it until the overlap ends.
    expect(verifies(test.webhookSecret, next)).toBe(true);
    receiver.restore();
  });

  it("keeps only the current secret once the overlap has passed", () => {
    const now = 1_800_000_000;
    const account = { webhookSecret: "whsec_new", previousWebhookSecret: "whsec_old", previousWebhookSecretExpiresAt: now + 10 };
    expect(signingSecrets(account, now)).toEqual(["whsec_new", "whsec_old"]);
    expect(signingSecrets(account, now + 10)).toEqual(["whsec_new"]);
  });
});
