// The SDK's webhook endpoints: create, test, verify the test event with the
// endpoint's secret (and not with the account's), list deliveries, roll, delete.
import { afterEach, describe, expect, it, vi } from "vitest";
import { OmniFlowError, verifyWebhook } from "../../sdk/src/index.ts";
import { createAccount } from "../support/accounts.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { clientFor } from "./sdk.fixture.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("the SDK's webhook endpoints", () => {
  it("creates, tests, verifies, lists deliveries, rolls and deletes", async () => {
    receiver = fakeReceiver();
    const omniflow = clientFor((await createAccount("live")).key);
    const endpoint = await omniflow.webhookEndpoints.create({ url: receiver.url, enabled_events: ["message.failed"] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(await omniflow.webhookEndpoints.test(endpoint.id)).toMatchObject({ status_code: 200, outcome: "delivered" });
    const [request] = receiver.requests;
    vi.useFakeTimers({ toFake: ["Date"], now: Number(request!.headers.get("webhook-timestamp")) * 1000 });
    expect(verifyWebhook(request!.body, request!.headers, endpoint.secret)).toMatchObject({ type: "endpoint.test" });
    const { secret: accountSecret } = await omniflow.client.GET("/v1/account").then(({ data }) => ({ secret: data!.webhook_signing_secret }));
    expect(() => verifyWebhook(request!.body, request!.headers, accountSecret)).toThrow();
    vi.useRealTimers();
    expect((await omniflow.webhookEndpoints.deliveries(endpoint.id)).data).toEqual([expect.objectContaining({ event_type: "endpoint.test" })]);
    const rolled = await omniflow.webhookEndpoints.rollSecret(endpoint.id);
    expect(rolled.secret).not.toBe(endpoint.secret);
    expect(await omniflow.webhookEndpoints.update(endpoint.id, { disabled: true })).toMatchObject({ status: "disabled" });
    await omniflow.webhookEndpoints.delete(endpoint.id);
    await expect(omniflow.webhookEndpoints.retrieve(endpoint.id)).rejects.toBeInstanceOf(OmniFlowError);
  });
});
