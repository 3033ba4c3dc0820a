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
import { eventually } from "../support/wait.ts";
import { createEndpoint, verifyWith } from "../webhook-endpoints/webhook-endpoints.fixture.ts";
import { signingSecret, verify } from "../webhooks/webhooks.fixture.ts";

const twoSegments = smsBody({ content: { text: "a".repeat(161) } });
const gate = (account: TestAccount) => env.ACCOUNT_GATE.getByName(account.id);

async function alertAt(account: TestAccount, threshold: string, url: string) {
  await setAccountRate(account, "sms", "US", "0.0079");
  const res = await api("/v1/account", { key: account.key, json: { usage_alerts: [{ threshold, window: "day", url }] } });
  expect(res.status).toBe(200);
}

const receivers: ReturnType<typeof fakeReceiver>[] = [];
const receiver = () => {
  const made = fakeReceiver();
  receivers.push(made);
  return made;
};

describe("usage alerts", () => {
  afterEach(() => {
    for (const made of receivers.splice(0)) made.restore();
    vi.restoreAllMocks();
  });

  it("posts one signed usage.threshold_reached when the day's spend passes 0.01, and no second in the same day", async () => {
    const hook = receiver();
    const account = await createAccount();
    await alertAt(account, "0.01", hook.url);
    await createMessage(account, smsBody());
    await runDurableObjectAlarm(gate(account));
    expect(hook.requests).toHaveLength(0); // 0.0079: below the threshold
    await createMessage(account, twoSegments);
    await createMessage(account, twoSegments);
    await runDurableObjectAlarm(gate(account));
    expect(hook.requests).toHaveLength(1);
    const event = verify(await signingSecret(account), hook.requests[0]!);
    expect(event).toMatchObject({
      type: "usage.threshold_reached",
      data: { window: "day", period: new Date().toISOString().slice(0, 10), threshold: "0.0100", spent: "0.0237", price_unit: "USD" },
    });
    await runDurableObjectAlarm(gate(account));
    expect(hook.requests).toHaveLength(1);
  });

  it("retries an event its receiver did not take, on the status callbacks' schedule", async () => {
    const hook = receiver();
    hook.respondWith(() => new Response("busy", { status: 500 }));
    const account = await createAccount();
    await alertAt(account, "0.01", hook.url);
    await createMessage(account, twoSegments);
    await runDurableObjectAlarm(gate(account));
    expect(hook.requests).toHaveLength(1);
    // The first retry is due 5 s (+/- 10%) later.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6_000 });
    try {
      await runDurableObjectAlarm(gate(account));
    } finally {
      vi.useRealTimers();
    }
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]!.headers.get("webhook-id")).toBe(hook.requests[0]!.headers.get("webhook-id"));
  });

  it("also sends usage.threshold_reached to the webhook endpoints subscribed to it, signed with the endpoint's secret", async () => {
    const [alertHook, endpointHook, otherHook] = [receiver(), receiver(), receiver()];
    const account = await createAccount();
    const subscribed = await createEndpoint(account, { url: endpointHook.url, enabled_events: ["usage.threshold_reached"] });
    await createEndpoint(account, { url: otherHook.url, enabled_events: ["message.delivered"] });
    await alertAt(account, "0.01", alertHook.url);
    await createMessage(account, twoSegments);
    await runDurableObjectAlarm(gate(account));
    await eventually(() => endpointHook.requests.length === 1);
    expect(verifyWith(subscribed.secret, endpointHook.requests[0]!)).toMatchObject({
      type: "usage.threshold_reached",
      data: { object: "usage_alert", window: "day", threshold: "0.0100", spent: "0.0158", price_unit: "USD" },
    });
    expect(alertHook.requests).toHaveLength(1);
    expect(otherHook.requests).toHaveLength(0);
  });
});
