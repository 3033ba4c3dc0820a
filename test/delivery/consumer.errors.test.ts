// The queue consumer, driven batch by batch (createMessageBatch/getQueueResult),
// against fake provider APIs, for live-mode messages.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_DELIVERY_ATTEMPTS } from "../../src/delivery/handoff-rules.ts";
import { type MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { newMessageId } from "../../src/domain/ids.ts";
import { createAccount } from "../support/accounts.ts";
import { projectedMessage } from "../support/db.ts";
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
