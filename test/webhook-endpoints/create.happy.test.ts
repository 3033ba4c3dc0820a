// The endpoint resource: create with its secret, read, list, update, reveal
// and roll the secret, test, delete.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createEndpoint, deliveries, verifyWith } from "./webhook-endpoints.fixture.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver.restore();
  vi.restoreAllMocks();
});

describe("webhook endpoints", () => {
  it("creates an endpoint with its own whsec_ secret, shown on create and by /secret only", async () => {
    receiver = fakeReceiver();
    const account = await createAccount("live");
    const created = await createEndpoint(account, {
      url: receiver.url,
      enabled_events: ["message.delivered", "message.delivered", "suppression.created"],
      description: "CRM",
      metadata: { team: "growth" },
    });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^we_[0-9a-f]{32}$/),
      object: "webhook_endpoint",
      url: receiver.url,
      description: "CRM",
      enabled_events: ["message.delivered", "suppression.created"],
      metadata: { team: "growth" },
      status: "enabled",
      disabled_reason: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const fetched = await (await api(`/v1/webhook_endpoints/${created.id}`, { key: account.key })).json<Record<string, unknown>>();
    const { secret, ...shown } = created;
    expect(fetched).toEqual(shown);
    expect(await (await api(`/v1/webhook_endpoints/${created.id}/secret`, { key: account.key })).json()).toEqual({
      object: "webhook_endpoint_secret",
      endpoint_id: created.id,
      secret,
      previous_secret_expires_at: null,
    });
    const list = await (await api("/v1/webhook_endpoints", { key: account.key })).json<{ data: unknown[] }>();
    expect(list.data).toEqual([shown]);
  });

  it("updates what is given, rolls the secret with a 24 h overlap, and deletes", async () => {
    receiver = fakeReceiver();
    const account = await createAccount("test");
    const created = await createEndpoint(account, { url: receiver.url, enabled_events: ["message.failed"] });
    const updated = await api(`/v1/webhook_endpoints/${created.id}`, { key: account.key, json: { enabled_events: ["*"], disabled: true } });
    expect(await updated.json()).toMatchObject({ url: receiver.url, enabled_events: ["*"], status: "disabled", disabled_reason: "manual" });
    const enabled = await api(`/v1/webhook_endpoints/${created.id}`, { key: account.key, json: { disabled: false } });
    expect(await enabled.json()).toMatchObject({ status: "enabled", disabled_reason: null });

    const rolled = await (await api(`/v1/webhook_endpoints/${created.id}/secret/roll`, { key: account.key, method: "POST" })).json<{
      secret: string;
      previous_secret_expires_at: number;
    }>();
    expect(rolled.secret).not.toBe(created.secret);
    expect(rolled.previous_secret_expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(24 * 3600 - 60);
    // During the overlap the test event verifies with either secret.
    const tested = await api(`/v1/webhook_endpoints/${created.id}/test`, { key: account.key, method: "POST" });
    expect(await tested.json()).toMatchObject({ object: "webhook_endpoint_test", status_code: 200, outcome: "delivered", error: null });
    const [request] = receiver.requests;
    expect(verifyWith(rolled.secret, request!)).toMatchObject({ type: "endpoint.test", data: { endpoint_id: created.id } });
    expect(verifyWith(created.secret, request!)).toMatchObject({ type: "endpoint.test" });
    expect(await deliveries(account, created.id)).toEqual([expect.objectContaining({ event_type: "endpoint.test", status_code: 200, outcome: "delivered" })]);

    const deleted = await api(`/v1/webhook_endpoints/${created.id}`, { key: account.key, method: "DELETE" });
    expect(await deleted.json()).toEqual({ id: created.id, object: "webhook_endpoint", deleted: true });
    expect((await api(`/v1/webhook_endpoints/${created.id}`, { key: account.key })).status).toBe(404);
  });

  it("answers a test event with what the endpoint returned", async () => {
    receiver = fakeReceiver();
    receiver.respondWith(() => new Response("nope", { status: 500 }));
    const account = await createAccount("test");
    const created = await createEndpoint(account, { url: receiver.url, enabled_events: ["*"] });
    const tested = await api(`/v1/webhook_endpoints/${created.id}/test`, { key: account.key, method: "POST" });
    expect(await tested.json()).toMatchObject({ status_code: 500, outcome: "failed", error: "HTTP 500" });
  });
});
