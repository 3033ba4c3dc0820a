// status_callback webhooks: what arrives, signed how, in which order, and how
// failures are retried. A receiver verifies every request with the
// `standardwebhooks` package, as a customer's server would.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount } from "../support/accounts.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { callbackSettled } from "../support/hand-off.ts";
import { hold } from "../support/hold.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";
import { eventually } from "../support/wait.ts";
import { afterSeconds, sentLiveMessage, signingSecret, verify, webhookAttempts } from "./webhooks.fixture.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("status callbacks", () => {
  it("retries a failing receiver and delivers the same webhook-id on the third attempt; the next event waits", async () => {
    receiver = fakeReceiver();
    receiver.respondWith(
      () => new Response("oops", { status: 500 }),
      () => new Response("oops", { status: 500 }),
    );
    const { account, stub, report } = await sentLiveMessage(receiver.url);
    await eventually(() => receiver.requests.length === 1);
    await report("delivered");
    expect(await afterSeconds(stub, 6)).toBe(true);
    expect(receiver.requests).toHaveLength(2);
    expect(await afterSeconds(stub, 6 + 330)).toBe(true);
    expect(receiver.requests).toHaveLength(3);
    // The next event was held back until now; it is due at once (in the moved clock).
    expect(await afterSeconds(stub, 6 + 330 + 1)).toBe(true);
    const secret = await signingSecret(account);
    const ids = receiver.requests.map((request) => request.headers.get("webhook-id"));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(receiver.requests.map((request) => verify(secret, request).type)).toEqual(["message.sent", "message.sent", "message.sent", "message.delivered"]);
    const attempts = await webhookAttempts(stub);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.http_status])).toEqual([
      [1, "retry_scheduled", 500],
      [2, "retry_scheduled", 500],
      [3, "delivered", 200],
      [1, "delivered", 200],
    ]);
  });

  it("counts a 200 whose body fails to arrive as delivered: recorded once, not sent again", async () => {
    // The receiver answered 200; only reading its (ignored) body failed, as when a slow server's body outlasts the
    // attempt's timeout. The answer is known, so the attempt is recorded and nothing is retried.
    receiver = fakeReceiver();
    const brokenBody = () =>
      new ReadableStream({ pull: (controller) => controller.error(new DOMException("The operation was aborted due to timeout", "TimeoutError")) });
    receiver.respondWith(() => new Response(brokenBody(), { status: 200 }));
    const { stub } = await sentLiveMessage(receiver.url);
    await eventually(async () => (await webhookAttempts(stub)).length === 1);
    expect((await webhookAttempts(stub)).map((a) => [a.attempt, a.outcome, a.http_status])).toEqual([[1, "delivered", 200]]);
    await afterSeconds(stub, 60);
    expect(receiver.requests).toHaveLength(1);
  });

  // The documented schedule, written out here (not imported): a change to it in src must fail this test.
  const RETRY_SCHEDULE_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

  it("follows the schedule 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (with jitter), then gives up and records it", async () => {
    receiver = fakeReceiver();
    receiver.respondWith(...Array.from({ length: 8 }, () => () => new Response("down", { status: 503 })));
    const { stub } = await sentLiveMessage(receiver.url);
    await eventually(() => receiver.requests.length === 1);
    let elapsed = 0;
    for (const delay of RETRY_SCHEDULE_SECONDS) {
      elapsed += delay * 1.1 + 1;
      expect(await afterSeconds(stub, elapsed)).toBe(true);
    }
    expect(receiver.requests).toHaveLength(8);
    const attempts = await webhookAttempts(stub);
    expect(attempts.map((a) => a.outcome)).toEqual([...Array(7).fill("retry_scheduled"), "abandoned"]);
    attempts.slice(0, 7).forEach((attempt, i) => {
      const delay = (attempt.next_retry_at as number) - Math.floor(attempt.at / 1000);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(RETRY_SCHEDULE_SECONDS[i]! * 0.9) - 1);
      expect(delay).toBeLessThanOrEqual(Math.ceil(RETRY_SCHEDULE_SECONDS[i]! * 1.1) + 1);
    });
    expect(await afterSeconds(stub, elapsed + 100_000)).toBe(false);
  });

  it("stops every callback of the message at once on 410 Gone", async () => {
    receiver = fakeReceiver();
    receiver.respondWith(() => new Response("gone", { status: 410 }));
    const { stub, report } = await sentLiveMessage(receiver.url);
    await eventually(async () => (await webhookAttempts(stub)).length === 1);
    await report("delivered");
    // Run the message's timers now, far past any retry: what would send the delivered event has then run.
    await afterSeconds(stub, 11 * 3600);
    expect(receiver.requests).toHaveLength(1);
    expect((await webhookAttempts(stub)).map((a) => a.outcome)).toEqual(["disabled"]);
  });

  /**
   * A live SMS whose message.sent callback is held at the receiver (then answered `answer`) while its delivered
   * report queues the next event behind it; `meanwhile` runs during the hold.
   */
  async function heldCallback(answer: () => Response, meanwhile: (stub: ReturnType<typeof messageStatusStub>) => Promise<unknown> = async () => {}) {
    receiver = fakeReceiver();
    const first = hold();
    receiver.respondWith(async () => {
      await first.wait();
      return answer();
    });
    fakeProviders();
    const id = await storeMessage(await createAccount("live"), { statusCallback: receiver.url });
    const stub = messageStatusStub(env, id);
    const consumer = runConsumer([id]);
    await first.reached();
    const handedOff = (await stub.events()).find((event) => event.type === "provider.attempt")!;
    const providerMessageId = String(handedOff.data.provider_message_id);
    expect(await stub.receipt({ provider: "twilio", messageId: id, providerMessageId, status: "delivered", detail: "status=delivered" })).toBe("applied");
    await meanwhile(stub);
    first.release();
    await consumer;
    await callbackSettled(id);
    return stub;
  }
  const goneWithAnEventQueued = () => heldCallback(() => new Response("gone", { status: 410 }));

  it("sends one event at a time: the alarm ringing while the first attempt waits for its answer sends nothing", async () => {
    const stub = await heldCallback(
      () => new Response("ok"),
      async (held) => {
        // The alarm is set for when the open attempt could have died with the object, not at once (nor over and over).
        const alarm = await runInDurableObject(held, (_: MessageStatus, state) => state.storage.getAlarm());
        expect(alarm).toBeGreaterThan(Date.now() + 20_000);
        await runDurableObjectAlarm(held);
      },
    );
    await eventually(() => receiver.requests.length === 2);
    await afterSeconds(stub, 60);
    expect(receiver.requests.map((request) => JSON.parse(request.body).type)).toEqual(["message.sent", "message.delivered"]);
    expect((await webhookAttempts(stub)).map((a) => [a.event_type, a.attempt, a.outcome])).toEqual([
      ["message.sent", 1, "delivered"],
      ["message.delivered", 1, "delivered"],
    ]);
  });

  it("on 410 Gone also switches off the events already queued behind the one that got it", async () => {
    const stub = await goneWithAnEventQueued();
    // Ended with the 410 itself, not on some later ring.
    expect((await webhookAttempts(stub)).map((a) => [a.event_type, a.attempt, a.outcome])).toEqual([
      ["message.sent", 1, "disabled"],
      ["message.delivered", 0, "disabled"],
    ]);
    // Far past any retry: nothing sends the queued event, and no alarm is left ringing for it.
    await afterSeconds(stub, 11 * 3600);
    expect(receiver.requests.map((request) => JSON.parse(request.body).type)).toEqual(["message.sent"]);
    expect(await afterSeconds(stub, 12 * 3600)).toBe(false);
  });

  it("ends, unsent, the queued events of an object switched off before they were ended with it, and rings no more", async () => {
    const stub = await goneWithAnEventQueued();
    // As an object stored before this: the queued event has no outcome, and the alarm is due for it.
    await runInDurableObject(stub, (_: MessageStatus, state) => {
      state.storage.sql.exec(
        `UPDATE message SET events = (SELECT json_group_array(json(value)) FROM json_each(events)
           WHERE NOT (value ->> '$.type' = 'webhook.attempt' AND value ->> '$.data.event_type' = 'message.delivered'))`,
      );
      return state.storage.setAlarm(Date.now());
    });
    expect(await afterSeconds(stub, 1)).toBe(true);
    expect(receiver.requests).toHaveLength(1);
    expect((await webhookAttempts(stub)).map((a) => [a.event_type, a.outcome])).toEqual([
      ["message.sent", "disabled"],
      ["message.delivered", "disabled"],
    ]);
    // What is left is the row's check (row-check.ts), once; it sends no callback, and then nothing rings.
    expect(await afterSeconds(stub, 12 * 3600)).toBe(true);
    expect(receiver.requests).toHaveLength(1);
    expect(await afterSeconds(stub, 12 * 3600)).toBe(false);
  });

  it("honours Retry-After on 429 and 503", async () => {
    receiver = fakeReceiver();
    receiver.respondWith(() => new Response("slow down", { status: 429, headers: { "Retry-After": "120" } }));
    const { stub } = await sentLiveMessage(receiver.url);
    await eventually(async () => (await webhookAttempts(stub)).length === 1);
    const [attempt] = await webhookAttempts(stub);
    expect((attempt!.next_retry_at as number) - Math.floor(attempt!.at / 1000)).toBeGreaterThanOrEqual(119);
    await afterSeconds(stub, 60);
    expect(receiver.requests).toHaveLength(1);
    await afterSeconds(stub, 125);
    expect(receiver.requests).toHaveLength(2);
  });

  it("loses nothing when the object is evicted between attempts", async () => {
    receiver = fakeReceiver();
    receiver.respondWith(() => new Response("busy", { status: 503, headers: { "Retry-After": "3600" } }));
    const { stub } = await sentLiveMessage(receiver.url);
    await eventually(() => receiver.requests.length === 1);
    // Eviction waits for in-flight work to drain (seconds, locally); the retry is an hour away.
    await evictDurableObject(stub);
    expect(receiver.requests).toHaveLength(1);
    expect(await afterSeconds(stub, 3_700)).toBe(true);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.headers.get("webhook-id")).toBe(receiver.requests[0]!.headers.get("webhook-id"));
    expect((await webhookAttempts(stub)).map((a) => a.outcome)).toEqual(["retry_scheduled", "delivered"]);
  });
});
