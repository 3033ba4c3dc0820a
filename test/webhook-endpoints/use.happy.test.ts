// A message's events fanned out to the account's webhook endpoints: each
// endpoint gets only the types it subscribed to, signed with its own secret.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { eventually } from "../support/wait.ts";
import { createEndpoint, deliveries, endpointAttempts, verifyWith } from "./webhook-endpoints.fixture.ts";

const receivers: ReturnType<typeof fakeReceiver>[] = [];
const receiver = () => {
  const made = fakeReceiver();
  receivers.push(made);
  return made;
};
afterEach(() => {
  for (const made of receivers.splice(0)) made.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("webhook endpoints", () => {
  it("sends each endpoint only its event types, signed with its own secret and not the other's", async () => {
    fakeProviders();
    const account = await createAccount("live");
    const [deliveredHooks, failedHooks] = [receiver(), receiver()];
    const onDelivered = await createEndpoint(account, { url: deliveredHooks.url, enabled_events: ["message.delivered"] });
    const onFailed = await createEndpoint(account, { url: failedHooks.url, enabled_events: ["message.failed", "suppression.created"] });

    const delivered = await handedOff("sms", {}, account);
    await delivered.report("delivered");
    const failed = await handedOff("sms", {}, account);
    await failed.report("failed", { errorCode: "carrier_rejected" });
    await eventually(() => deliveredHooks.requests.length >= 1 && failedHooks.requests.length >= 1);

    expect(deliveredHooks.requests).toHaveLength(1);
    expect(failedHooks.requests).toHaveLength(1);
    const [toDelivered] = deliveredHooks.requests;
    const [toFailed] = failedHooks.requests;
    expect(verifyWith(onDelivered.secret, toDelivered!)).toMatchObject({ type: "message.delivered", data: { id: delivered.id, status: "delivered" } });
    expect(verifyWith(onFailed.secret, toFailed!)).toMatchObject({ type: "message.failed", data: { id: failed.id, status: "failed" } });
    expect(() => verifyWith(onFailed.secret, toDelivered!)).toThrow();
    expect(() => verifyWith(onDelivered.secret, toFailed!)).toThrow();
    // A stable webhook-id per (event, endpoint): the event's id and the endpoint's.
    const event = verifyWith(onDelivered.secret, toDelivered!);
    expect(toDelivered!.headers.get("webhook-id")).toBe(`${event.id}_${onDelivered.id}`);

    expect(await endpointAttempts(delivered.stub, onDelivered.id)).toEqual([
      expect.objectContaining({ event_type: "message.delivered", attempt: 1, http_status: 200, outcome: "delivered" }),
    ]);
    expect(await endpointAttempts(delivered.stub, onFailed.id)).toEqual([]);
    expect(await deliveries(account, onDelivered.id)).toEqual([
      expect.objectContaining({ event_type: "message.delivered", message_id: delivered.id, attempt: 1, status_code: 200, outcome: "delivered" }),
    ]);
  });

  it('sends the message\'s status_callback its events as before, beside a "*" endpoint that gets every one in order', async () => {
    fakeProviders();
    const account = await createAccount("live");
    const [callback, everything] = [receiver(), receiver()];
    const all = await createEndpoint(account, { url: everything.url, enabled_events: ["*"] });
    const { report } = await handedOff("sms", { statusCallback: callback.url }, account);
    await report("delivered");
    await eventually(() => callback.requests.length >= 2 && everything.requests.length >= 2);
    const types = (requests: typeof callback.requests) => requests.map((request) => (JSON.parse(request.body) as { type: string }).type);
    expect(types(callback.requests)).toEqual(["message.sent", "message.delivered"]);
    expect(types(everything.requests)).toEqual(["message.sent", "message.delivered"]);
    // The same event, under a webhook-id of its own at each destination.
    expect(everything.requests.map((request) => request.headers.get("webhook-id"))).toEqual(
      callback.requests.map((request) => `${request.headers.get("webhook-id")}_${all.id}`),
    );
  });

  it("sends nothing to a disabled endpoint, and a message of an account without endpoints logs no endpoint attempt", async () => {
    fakeProviders();
    const account = await createAccount("live");
    const hooks = receiver();
    const endpoint = await createEndpoint(account, { url: hooks.url, enabled_events: ["*"] });
    const { api } = await import("../support/api.ts");
    expect((await api(`/v1/webhook_endpoints/${endpoint.id}`, { key: account.key, json: { disabled: true } })).status).toBe(200);
    const { stub, report } = await handedOff("sms", {}, account);
    await report("delivered");
    expect(hooks.requests).toHaveLength(0);
    expect((await stub.events()).filter((event) => event.type === "webhook.attempt")).toEqual([]);
  });
});
