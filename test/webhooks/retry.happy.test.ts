// POST /v1/messages/:id/webhook/retry: a status callback abandoned after its
// last retry is sent again, with its event id, once the receiver is back.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { eventually } from "../support/wait.ts";

/** The documented retry schedule (docs/api-guide.md): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver.restore();
  vi.useRealTimers();
});

const attempts = async (stub: ReturnType<typeof messageStatusStub>) =>
  (await stub.events()).filter((event) => event.type === "webhook.attempt").map((event) => event.data);

async function afterSeconds(stub: ReturnType<typeof messageStatusStub>, seconds: number) {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + seconds * 1000 });
  const ran = await runDurableObjectAlarm(stub);
  vi.useRealTimers();
  return ran;
}

describe("resending an abandoned status callback", () => {
  it("sends the same event again once asked, and records the request and the outcome", async () => {
    receiver = fakeReceiver();
    // Down for the first attempt and every retry; up when the resend comes.
    receiver.respondWith(...Array.from({ length: RETRY_SCHEDULE_SECONDS.length + 1 }, () => () => new Response("down", { status: 503 })));
    fakeProviders();
    const { account, stub, id } = await handedOff("sms", { statusCallback: receiver.url });
    await eventually(() => receiver.requests.length === 1);
    let elapsed = 0;
    for (const delay of RETRY_SCHEDULE_SECONDS) {
      elapsed += delay * 1.1 + 1;
      await afterSeconds(stub, elapsed);
    }
    expect((await attempts(stub)).at(-1)?.outcome).toBe("abandoned");

    const res = await api(`/v1/messages/${id}/webhook/retry`, { key: account.key, method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ object: "webhook_retry", message_id: id, events_requeued: 1 });
    await eventually(() => receiver.requests.length === RETRY_SCHEDULE_SECONDS.length + 2);
    const ids = new Set(receiver.requests.map((request) => request.headers.get("webhook-id")));
    expect(ids.size).toBe(1);
    // The resend is the event as signed at first, and the object's storage holds its body once (a row is at most 2 MB).
    expect(receiver.requests.at(-1)!.body).toBe(receiver.requests[0]!.body);
    const stored = await runInDurableObject(
      stub,
      (_: MessageStatus, state) => state.storage.sql.exec<{ events: string }>("SELECT events FROM message").one().events,
    );
    expect(stored.split(JSON.stringify(receiver.requests[0]!.body)).length - 1).toBe(1);
    await eventually(async () => (await attempts(stub)).at(-1)?.outcome === "delivered");
    const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: unknown }[] }>();
    expect(events.data.find((event) => event.type === "webhook.retry_requested")?.data).toEqual({ source: "api", events: 1 });
    // Nothing is abandoned any more.
    await expectError(await api(`/v1/messages/${id}/webhook/retry`, { key: account.key, method: "POST" }), 400, {
      code: "webhook_not_abandoned",
    });
  });

  it("is a 400 for a message without a status_callback and a 404 for another account's message", async () => {
    receiver = fakeReceiver();
    fakeProviders();
    const { account, id } = await handedOff("sms", {});
    await expectError(await api(`/v1/messages/${id}/webhook/retry`, { key: account.key, method: "POST" }), 400, {
      code: "webhook_not_abandoned",
      param: "id",
    });
    const other = await createAccount("live");
    await expectError(await api(`/v1/messages/${id}/webhook/retry`, { key: other.key, method: "POST" }), 404, { code: "resource_missing" });
  });
});
