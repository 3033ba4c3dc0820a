// The queue consumer, driven batch by batch (createMessageBatch/getQueueResult),
// against fake provider APIs, for live-mode messages.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { shardBinding } from "../../src/db/shards.ts";
import { MAX_DELIVERY_ATTEMPTS } from "../../src/delivery/handoff-rules.ts";
import { type MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { ROW_CHECK_AFTER_MS } from "../../src/delivery/status-projection.ts";
import { newMessageId, shardOfMessageId } from "../../src/domain/ids.ts";
import { createAccount } from "../support/accounts.ts";
import { projectedMessage, rowFromQueue, storedMessage } from "../support/db.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { hold } from "../support/hold.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";

let fake: ReturnType<typeof fakeProviders>;
afterEach(() => {
  fake?.restore();
  vi.restoreAllMocks();
});

const unavailable = () => new Response("Service Unavailable", { status: 503 });

describe("queue consumer", () => {
  // A create sends the job while it inserts the row, so the job can come first.
  it("retries a job whose message is not in D1 yet, and hands it off once its row is there", async () => {
    fake = fakeProviders();
    const account = await createAccount("live");
    const id = newMessageId(0);
    const early = await runConsumer([id], 1);
    expect(early.retryDelays).toEqual([2]);
    expect(fake.requests).toHaveLength(0);
    await storeMessage(account, { id });
    const result = await runConsumer([id], 2);
    expect(result.explicitAcks).toHaveLength(1);
    await projectedMessage(id).toMatchObject({ status: "sent" });
    expect(fake.requests).toHaveLength(1);
  });

  it("retries a provider 503 on its own with a backoff delay and leaves the message queued", async () => {
    fake = fakeProviders();
    fake.respondWith(unavailable);
    const account = await createAccount("live");
    const failing = await storeMessage(account);
    const fine = await storeMessage(account);
    const result = await runConsumer([failing, fine]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryDelays).toHaveLength(1);
    expect(result.retryDelays[0]).toBeGreaterThanOrEqual(1);
    expect(result.retryDelays[0]).toBeLessThanOrEqual(2);
    expect(result.explicitAcks).toHaveLength(1);
    await projectedMessage(failing).toMatchObject({ status: "queued" });
    await projectedMessage(fine).toMatchObject({ status: "sent" });
  });

  it("fails a message at once on a permanent provider error, with a clear code", async () => {
    fake = fakeProviders();
    fake.respondWith(() => Response.json({ code: 21211, message: "Invalid 'To' Phone Number", status: 400 }, { status: 400 }));
    const id = await storeMessage(await createAccount("live"));
    const result = await runConsumer([id]);
    expect(result.explicitAcks).toHaveLength(1);
    await projectedMessage(id).toMatchObject({ status: "failed", errorCode: "invalid_number", errorMessage: expect.stringContaining("Invalid 'To'") });
  });

  it(`fails a message as provider_unavailable after ${MAX_DELIVERY_ATTEMPTS} unavailable attempts`, async () => {
    fake = fakeProviders();
    const id = await storeMessage(await createAccount("live"));
    const start = Date.now();
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      fake.respondWith(unavailable);
      // Each retry arrives after its backoff (at most 10 min).
      vi.useFakeTimers({ toFake: ["Date"], now: start + (attempt - 1) * 601_000 });
      const result = await runConsumer([id], attempt);
      vi.useRealTimers();
      if (attempt < MAX_DELIVERY_ATTEMPTS) expect(result.retryMessages).toHaveLength(1);
      else expect(result.explicitAcks).toHaveLength(1);
    }
    expect(fake.requests).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    await projectedMessage(id).toMatchObject({ status: "failed", errorCode: "provider_unavailable" });
  });

  it("sends once when the same job is delivered twice, one after the other or at the same time", async () => {
    fake = fakeProviders();
    const account = await createAccount("live");
    const sequential = await storeMessage(account);
    await runConsumer([sequential]);
    const again = await runConsumer([sequential]);
    expect(again.explicitAcks).toHaveLength(1);

    const concurrent = await storeMessage(account);
    const results = await Promise.all([runConsumer([concurrent]), runConsumer([concurrent])]);
    expect(results.flatMap((r) => r.explicitAcks)).toHaveLength(2);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.map((r) => new URLSearchParams(r.body).get("StatusCallback"))).toEqual([
      expect.stringContaining(sequential),
      expect.stringContaining(concurrent),
    ]);
  });

  // The hand-off's lease is held in memory, not written: an object that dies with its provider call open leaves
  // its storage as it was before the call, so the job's retry makes the call again at once (same step, same
  // idempotency key) instead of waiting out a lease that no live call holds any more. The crash is modelled by
  // putting the storage back as it stood during the call, then starting a new instance of the object.
  it("hands a message off at once on the next job when its object died during the provider call", async () => {
    const call = hold();
    fake = fakeProviders();
    fake.respondWith(async () => {
      await call.wait();
      return Response.json({ sid: `SM${"1".repeat(32)}`, status: "queued" }, { status: 201 });
    });
    const id = await storeMessage(await createAccount("live"));
    const stub = messageStatusStub(env, id);
    const handOff = runConsumer([id]);
    await call.reached();
    const duringCall = await runInDurableObject(stub, (_: MessageStatus, state) => ({
      message: state.storage.sql.exec<{ id: number; state: string | null; events: string }>(`SELECT id, state, events FROM message`).toArray(),
      timers: state.storage.sql.exec<{ kind: string; due_at: number; payload: string }>(`SELECT kind, due_at, payload FROM timers`).toArray(),
    }));
    call.release();
    await handOff;
    await runInDurableObject(stub, (_: MessageStatus, state) => {
      const sql = state.storage.sql;
      sql.exec(`DELETE FROM message`);
      sql.exec(`DELETE FROM timers`);
      for (const row of duringCall.message) sql.exec(`INSERT INTO message (id, state, events) VALUES (?, ?, ?)`, row.id, row.state, row.events);
      for (const timer of duringCall.timers) sql.exec(`INSERT INTO timers (kind, due_at, payload) VALUES (?, ?, ?)`, timer.kind, timer.due_at, timer.payload);
    });
    await evictDurableObject(stub);

    const retry = await runConsumer([id], 2);
    expect(retry.explicitAcks).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
    const changes = (await stub.events()).filter((event) => event.type === "status.changed");
    expect(changes.map((event) => event.data.status)).toEqual(["sent"]);
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });

  it("retries the job when the message's Durable Object cannot be reached", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(env.MESSAGE_STATUS, "get").mockImplementation(() => {
      throw new Error("Durable Object reset because its code was updated");
    });
    const id = await storeMessage(await createAccount("live"));
    const result = await runConsumer([id]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryDelays).toEqual([expect.any(Number)]);
    vi.restoreAllMocks();
    await projectedMessage(id).toMatchObject({ status: "queued" });
  });
});

// The consumer writes its hand-offs' projections itself (direct-projections.ts): what it could not write, and a
// consumer that died before it wrote.
describe("the consumer's own projections", () => {
  /** The next D1 batch on the message's shard fails, as a shard's outage would. */
  const failShardBatchOnce = (id: string) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(shardBinding(env, shardOfMessageId(id)), "batch").mockRejectedValueOnce(new Error("D1_ERROR: internal error"));
  };
  const queuedFor = (id: string) =>
    vi
      .mocked(env.PROJECTIONS_QUEUE.sendBatch)
      .mock.calls.flatMap(([bodies]) => [...bodies].map((message) => message.body as { messageId: string; status: string }))
      .filter((body) => body.messageId === id);

  it("queues the projections a shard would not take, and acks their jobs: the projection queue writes them", async () => {
    fake = fakeProviders();
    vi.spyOn(env.PROJECTIONS_QUEUE, "sendBatch");
    const id = await storeMessage(await createAccount("live"));
    failShardBatchOnce(id);
    const result = await runConsumer([id]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(queuedFor(id)).toEqual([expect.objectContaining({ status: "sent" })]);
    await rowFromQueue(id).toMatchObject({ status: "sent" });
    expect(fake.requests).toHaveLength(1);
  });

  it("retries the job when neither the shard nor the projection queue takes its projection, and the retry writes the row without a second hand-off", async () => {
    fake = fakeProviders();
    vi.spyOn(env.PROJECTIONS_QUEUE, "sendBatch").mockRejectedValueOnce(new Error("Queue send failed"));
    const id = await storeMessage(await createAccount("live"));
    failShardBatchOnce(id);
    const first = await runConsumer([id]);
    expect(first.retryMessages).toHaveLength(1);
    expect((await storedMessage(id)).status).toBe("queued");
    const retry = await runConsumer([id], 2);
    expect(retry.explicitAcks).toHaveLength(1);
    expect(await storedMessage(id)).toMatchObject({ status: "sent" });
    expect(fake.requests).toHaveLength(1);
  });

  // A consumer that dies between the object's answer and its D1 write: nothing was queued for the change. Its job
  // was not acked, so the Queue delivers it again, and the object, finding the message handed off, answers its view.
  it("writes the row on the job's redelivery when the consumer died holding the object's answer", async () => {
    fake = fakeProviders();
    const queued = vi.spyOn(env.PROJECTIONS_QUEUE, "send");
    const id = await storeMessage(await createAccount("live"));
    const answer = await messageStatusStub(env, id).deliver(id, 1, undefined, true);
    expect(answer).toMatchObject({ action: "ack", projection: { messageId: id, status: "sent" } });
    expect(queued.mock.calls.filter(([body]) => (body as { messageId: string }).messageId === id)).toEqual([]);
    expect((await storedMessage(id)).status).toBe("queued");

    const redelivered = await runConsumer([id], 2);
    expect(redelivered.explicitAcks).toHaveLength(1);
    expect(await storedMessage(id)).toMatchObject({ status: "sent" });
    expect(fake.requests).toHaveLength(1);
  });

  // The same, with the job lost too: the object's own check of its row, set with the change, writes it
  // (the bound of every lost projection, docs/architecture.md "Convergence").
  it("writes the row at the object's row check when the consumer died holding the answer and its job is gone", async () => {
    fake = fakeProviders();
    const id = await storeMessage(await createAccount("live"));
    const stub = messageStatusStub(env, id);
    await stub.deliver(id, 1, undefined, true);
    expect((await storedMessage(id)).status).toBe("queued");
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + ROW_CHECK_AFTER_MS + 1_000 });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    vi.useRealTimers();
    expect(await storedMessage(id)).toMatchObject({ status: "sent", attempts: [expect.objectContaining({ status: "sent" })] });
  });
});

describe("dead-letter queue consumer", () => {
  it("fails a message that is still queued as provider_unavailable", async () => {
    const id = await storeMessage(await createAccount("live"));
    const result = await runConsumer([id], 9, "omniflow-messages-dlq");
    expect(result.explicitAcks).toHaveLength(1);
    await projectedMessage(id).toMatchObject({ status: "failed", errorCode: "provider_unavailable" });
  });

  it("leaves a message that was already handed off alone", async () => {
    fake = fakeProviders();
    const id = await storeMessage(await createAccount("live"));
    await runConsumer([id]);
    await runConsumer([id], 9, "omniflow-messages-dlq");
    await projectedMessage(id).toMatchObject({ status: "sent", errorCode: null });
  });

  it("leaves a message whose hand-off is under way to that hand-off's answer (a copy's dead letter lands while the provider call is open)", async () => {
    const call = hold();
    fake = fakeProviders();
    fake.respondWith(async () => {
      await call.wait();
      return Response.json({ sid: `SM${"1".repeat(32)}`, status: "queued" }, { status: 201 });
    });
    const id = await storeMessage(await createAccount("live"));
    const handOff = runConsumer([id]);
    await call.reached();
    const deadLetter = await runConsumer([id], 9, "omniflow-messages-dlq");
    expect(deadLetter.explicitAcks).toHaveLength(1);
    call.release();
    await handOff;
    await projectedMessage(id).toMatchObject({ status: "sent", errorCode: null });
    const changes = (await messageStatusStub(env, id).events()).filter((event) => event.type === "status.changed");
    expect(changes.map((event) => event.data.status)).toEqual(["sent"]);
  });

  // The reconciler re-sends a message that stays queued; a copy can run out of
  // retries while the provider's backoff holds the message back.
  it("leaves a message waiting out a provider's backoff to its own retries, and they deliver it", async () => {
    fake = fakeProviders();
    fake.respondWith(unavailable);
    const id = await storeMessage(await createAccount("live"));
    await runConsumer([id]);
    await runConsumer([id], 9, "omniflow-messages-dlq");
    await projectedMessage(id).toMatchObject({ status: "queued", errorCode: null });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 });
    await runConsumer([id], 2);
    vi.useRealTimers();
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });
});

describe("a second job for a message in backoff", () => {
  it("waits for the backoff instead of handing the message off early", async () => {
    fake = fakeProviders();
    fake.respondWith(unavailable);
    const id = await storeMessage(await createAccount("live"));
    const first = await runConsumer([id]);
    const early = await runConsumer([id]);
    expect(fake.requests).toHaveLength(1);
    expect(early.retryMessages).toHaveLength(1);
    expect(early.retryDelays[0]).toBeGreaterThanOrEqual(1);
    expect(early.retryDelays[0]).toBeLessThanOrEqual(first.retryDelays[0]!);
  });
});
