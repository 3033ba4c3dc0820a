// Usage alerts: once per window, when the account's spend passes the
// threshold, a usage.threshold_reached event signed with the account's secret
// is posted to the alert's url from the account's gate, and retried.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { setAccountRate } from "../support/rates.ts";
import { signingSecret, verify } from "../webhooks/webhooks.fixture.ts";

const twoSegments = smsBody({ content: { text: "a".repeat(161) } });
const gate = (account: TestAccount) => env.ACCOUNT_GATE.getByName(account.id);

async function alertAt(account: TestAccount, threshold: string, url: string) {
  await setAccountRate(account, "sms", "US", "0.0079");
  const res = await api("/v1/account", { key: account.key, json: { usage_alerts: [{ threshold, window: "day", url }] } });
  expect(res.status).toBe(200);
}

describe("usage alerts", () => {
  afterEach(() => vi.restoreAllMocks());

  it("posts one signed usage.threshold_reached when the day's spend passes 0.01, and no second in the same day", async () => {
    const receiver = fakeReceiver();
    const account = await createAccount();
    await alertAt(account, "0.01", receiver.url);
    await createMessage(account, smsBody());
    await runDurableObjectAlarm(gate(account));
    expect(receiver.requests).toHaveLength(0); // 0.0079: below the threshold
    await createMessage(account, twoSegments);
    await createMessage(account, twoSegments);
    await runDurableObjectAlarm(gate(account));
    expect(receiver.requests).toHaveLength(1);
    const event = verify(await signingSecret(account), receiver.requests[0]!);
    expect(event).toMatchObject({
      type: "usage.threshold_reached",
      data: { window: "day", period: new Date().toISOString().slice(0, 10), threshold: "0.0100", spent: "0.0237", price_unit: "USD" },
    });
    await runDurableObjectAlarm(gate(account));
    expect(receiver.requests).toHaveLength(1);
  });

  it("retries an event its receiver did not take, on the status callbacks' schedule", async () => {
    const receiver = fakeReceiver();
    receiver.respondWith(() => new Response("busy", { status: 500 }));
    const account = await createAccount();
    await alertAt(account, "0.01", receiver.url);
    await createMessage(account, twoSegments);
    await runDurableObjectAlarm(gate(account));
    expect(receiver.requests).toHaveLength(1);
    // The first retry is due 5 s (+/- 10%) later.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6_000 });
    try {
      await runDurableObjectAlarm(gate(account));
    } finally {
      vi.useRealTimers();
    }
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.headers.get("webhook-id")).toBe(receiver.requests[0]!.headers.get("webhook-id"));
  });
});
