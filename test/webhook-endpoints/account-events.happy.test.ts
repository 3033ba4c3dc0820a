// The account's own events, sent by its gate to the endpoints subscribed to
// them: a STOP reply's suppression, a suppression deleted, an endpoint
// disabled for failing.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { simulateReply } from "../inbound/inbound.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { eventually } from "../support/wait.ts";
import { createEndpoint, deliveries, verifyWith } from "./webhook-endpoints.fixture.ts";

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

describe("account events", () => {
  it("sends a STOP reply's suppression.created only to the endpoint subscribed to it, signed with its secret", async () => {
    const account = await createAccount("test");
    const [suppressionHooks, deliveredHooks] = [receiver(), receiver()];
    const onSuppression = await createEndpoint(account, { url: suppressionHooks.url, enabled_events: ["message.failed", "suppression.created"] });
    await createEndpoint(account, { url: deliveredHooks.url, enabled_events: ["message.delivered"] });
    expect((await simulateReply(account, { text: "STOP" })).status).toBe(201);
    await eventually(() => suppressionHooks.requests.length === 1);
    const event = verifyWith(onSuppression.secret, suppressionHooks.requests[0]!);
    expect(event).toMatchObject({
      type: "suppression.created",
      data: { object: "suppression", channel: "sms", address: "+14155550123", reason: "opt_out", source_message_id: expect.stringMatching(/^msg_/) },
    });
    expect(deliveredHooks.requests).toHaveLength(0);
    expect(await deliveries(account, onSuppression.id)).toEqual([
      expect.objectContaining({ event_type: "suppression.created", message_id: null, attempt: 1, status_code: 200, outcome: "delivered" }),
    ]);
  });

  it("sends suppression.deleted, and retries a failing endpoint from the gate's alarm with the same webhook-id", async () => {
    const account = await createAccount("test");
    const hooks = receiver();
    hooks.respondWith(() => new Response("down", { status: 503 }));
    const endpoint = await createEndpoint(account, { url: hooks.url, enabled_events: ["suppression.deleted"] });
    const created = await (await api("/v1/suppressions", { key: account.key, json: { channel: "email", address: "ana@example.com" } })).json<{ id: string }>();
    expect((await api(`/v1/suppressions/${created.id}`, { key: account.key, method: "DELETE" })).status).toBe(200);
    await eventually(async () => (await deliveries(account, endpoint.id)).length === 1);
    const gate = env.ACCOUNT_GATE.getByName(account.id);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10_000 });
    expect(await runDurableObjectAlarm(gate)).toBe(true);
    vi.useRealTimers();
    expect(hooks.requests).toHaveLength(2);
    expect(hooks.requests[1]!.headers.get("webhook-id")).toBe(hooks.requests[0]!.headers.get("webhook-id"));
    expect(verifyWith(endpoint.secret, hooks.requests[1]!)).toMatchObject({
      type: "suppression.deleted",
      data: { id: created.id, address: "ana@example.com" },
    });
    expect((await deliveries(account, endpoint.id)).map((row) => [row.attempt, row.status_code, row.outcome])).toEqual([
      [2, 200, "delivered"],
      [1, 503, "retry_scheduled"],
    ]);
  });
});
