// Webhook endpoints that fail: each has its own queue and retries, so a dead
// or slow one holds up no other endpoint and not the message's status_callback;
// its attempts are in its delivery log, and a retry re-sends the same webhook-id.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { database } from "../../src/db/client.ts";
import { insertDelivery } from "../../src/db/webhook-endpoints.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { hold } from "../support/hold.ts";
import { eventually } from "../support/wait.ts";
import { afterSeconds } from "../webhooks/webhooks.fixture.ts";
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

const types = (requests: { body: string }[]) => requests.map((request) => (JSON.parse(request.body) as { type: string }).type);

describe("webhook endpoints that fail", () => {
  it("a slow endpoint holds up neither the other endpoint nor the status_callback", async () => {
    fakeProviders();
    const account = await createAccount("live");
    const [callback, slow, quick] = [receiver(), receiver(), receiver()];
    const held = hold();
    slow.respondWith(async () => {
      await held.wait();
      return new Response("ok");
    });
    await createEndpoint(account, { url: slow.url, enabled_events: ["*"] });
    await createEndpoint(account, { url: quick.url, enabled_events: ["*"] });
    const { report } = await handedOff("sms", { statusCallback: callback.url }, account);
    await held.reached();
    // The slow endpoint has not answered message.sent; the others have it, and then the next event too.
    await eventually(() => callback.requests.length === 1 && quick.requests.length === 1);
    const delivered = report("delivered");
    await eventually(() => callback.requests.length === 2 && quick.requests.length === 2);
    expect(types(callback.requests)).toEqual(["message.sent", "message.delivered"]);
    expect(types(quick.requests)).toEqual(["message.sent", "message.delivered"]);
    // The slow one still has one request open, and gets its second event in order once it answers.
    expect(types(slow.requests)).toEqual(["message.sent"]);
    held.release();
    await delivered;
    await eventually(() => slow.requests.length === 2);
    expect(types(slow.requests)).toEqual(["message.sent", "message.delivered"]);
  });

  it("retries an endpoint answering 500 on its own schedule with the same webhook-id, logged in its deliveries", async () => {
    fakeProviders();
    const account = await createAccount("live");
    const [failing, fine] = [receiver(), receiver()];
    failing.respondWith(
      () => new Response("oops", { status: 500 }),
      () => new Response("oops", { status: 500 }),
    );
    const bad = await createEndpoint(account, { url: failing.url, enabled_events: ["message.sent", "message.delivered"] });
    await createEndpoint(account, { url: fine.url, enabled_events: ["message.sent", "message.delivered"] });
    const { stub, report } = await handedOff("sms", {}, account);
    await report("delivered");
    // The fine endpoint has both events; the failing one only its first attempt, and message.delivered waits behind it.
    await eventually(() => fine.requests.length === 2);
    expect(types(failing.requests)).toEqual(["message.sent"]);
    expect(await afterSeconds(stub, 6)).toBe(true);
    expect(await afterSeconds(stub, 6 + 330)).toBe(true);
    expect(await afterSeconds(stub, 6 + 330 + 1)).toBe(true);
    expect(types(failing.requests)).toEqual(["message.sent", "message.sent", "message.sent", "message.delivered"]);
    const ids = failing.requests.map((request) => request.headers.get("webhook-id"));
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
    expect((await endpointAttempts(stub, bad.id)).map((attempt) => attempt.outcome)).toEqual(["retry_scheduled", "retry_scheduled", "delivered", "delivered"]);

    const log = await deliveries(account, bad.id);
    // Newest first: message.delivered, then message.sent's three attempts.
    expect(log.map((row) => [row.event_type, row.attempt, row.status_code, row.outcome])).toEqual([
      ["message.delivered", 1, 200, "delivered"],
      ["message.sent", 3, 200, "delivered"],
      ["message.sent", 2, 500, "retry_scheduled"],
      ["message.sent", 1, 500, "retry_scheduled"],
    ]);
    expect(log[3]!.next_retry_at).toEqual(expect.any(Number));
    expect(await deliveries(account, bad.id, "?outcome=retry_scheduled")).toHaveLength(2);

    // The log's retry sends message.sent again, with its webhook-id, on a fresh schedule.
    const retried = await api(`/v1/webhook_endpoints/${bad.id}/deliveries/${log[3]!.id}/retry`, { key: account.key, method: "POST" });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ object: "webhook_delivery_retry", webhook_id: ids[0] });
    expect(await afterSeconds(stub, 0)).toBe(true);
    expect(failing.requests).toHaveLength(5);
    expect(failing.requests[4]!.headers.get("webhook-id")).toBe(ids[0]);
    expect(types(fine.requests)).toEqual(["message.sent", "message.delivered"]);
  });

  it("disables an endpoint whose deliveries have all failed for 5 days, tells the other endpoints, and sends it nothing more", async () => {
    fakeProviders();
    const account = await createAccount("live");
    const [dead, watcher] = [receiver(), receiver()];
    dead.respondWith(() => new Response("down", { status: 503 }));
    const endpoint = await createEndpoint(account, { url: dead.url, enabled_events: ["*"] });
    const watching = await createEndpoint(account, { url: watcher.url, enabled_events: ["endpoint.disabled"] });
    // Its log so far: a delivery 7 days ago, then only failures since 6 days ago.
    const day = 24 * 60 * 60;
    const now = Math.floor(Date.now() / 1000);
    const logged = (ago: number, outcome: "delivered" | "abandoned", seq: number) =>
      insertDelivery(database(env.CONTROL_DB), {
        id: `whd_${(Date.now() - ago * 1000).toString(16).padStart(12, "0")}${String(seq).padStart(20, "0")}`,
        accountId: account.id,
        endpointId: endpoint.id,
        webhookId: `evt_old${seq}_${endpoint.id}`,
        eventId: `evt_old${seq}`,
        eventType: "message.sent",
        messageId: null,
        attempt: 8,
        statusCode: outcome === "delivered" ? 200 : 500,
        durationMs: 5,
        outcome,
        error: null,
        nextRetryAt: null,
        createdAt: now - ago,
      });
    await logged(7 * day, "delivered", 1);
    await logged(6 * day, "abandoned", 2);
    const { report } = await handedOff("sms", {}, account);
    await eventually(() => dead.requests.length === 1);
    await eventually(
      async () => (await (await api(`/v1/webhook_endpoints/${endpoint.id}`, { key: account.key })).json<{ status: string }>()).status === "disabled",
    );
    expect(await (await api(`/v1/webhook_endpoints/${endpoint.id}`, { key: account.key })).json()).toMatchObject({
      status: "disabled",
      disabled_reason: "failing",
    });
    await eventually(() => watcher.requests.length === 1);
    expect(verifyWith(watching.secret, watcher.requests[0]!)).toMatchObject({
      type: "endpoint.disabled",
      data: { id: endpoint.id, status: "disabled", disabled_reason: "failing" },
    });
    await report("delivered");
    expect(dead.requests).toHaveLength(1);
  });

  it("does not disable an endpoint failing for less than 5 days", async () => {
    fakeProviders();
    const account = await createAccount("live");
    const flaky = receiver();
    flaky.respondWith(() => new Response("down", { status: 503 }));
    const endpoint = await createEndpoint(account, { url: flaky.url, enabled_events: ["*"] });
    await handedOff("sms", {}, account);
    await eventually(async () => (await deliveries(account, endpoint.id)).length === 1);
    expect(await (await api(`/v1/webhook_endpoints/${endpoint.id}`, { key: account.key })).json()).toMatchObject({ status: "enabled", disabled_reason: null });
  });
});
