// The queue consumer, driven batch by batch (createMessageBatch/getQueueResult),
// against fake provider APIs, for live-mode messages.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount } from "../support/accounts.ts";
import { projectedMessage, storedMessage } from "../support/db.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { hold } from "../support/hold.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";
import { bindSender } from "../support/resources.ts";

let fake: ReturnType<typeof fakeProviders>;
afterEach(() => {
  fake?.restore();
  vi.restoreAllMocks();
});

describe("queue consumer", () => {
  it("hands a message to its provider once, acks it, and marks it sent", async () => {
    fake = fakeProviders();
    const id = await storeMessage(await createAccount("live"));
    const result = await runConsumer([id]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    await projectedMessage(id).toMatchObject({ status: "sent", errorCode: null });
  });

  // The hand-offs' projections are the consumer's to write (direct-projections.ts): no Queue message each.
  it("writes its batch's hand-offs to their rows itself, before it acks, and queues no projection for them", async () => {
    fake = fakeProviders();
    const queued = vi.spyOn(env.PROJECTIONS_QUEUE, "send");
    const queuedBatches = vi.spyOn(env.PROJECTIONS_QUEUE, "sendBatch");
    const account = await createAccount("live");
    const ids = [await storeMessage(account), await storeMessage(account), await storeMessage(account)];
    const result = await runConsumer(ids);
    expect(result.explicitAcks).toHaveLength(3);
    // Read straight from D1, nothing written for the test: the rows are level as the consumer returns.
    for (const id of ids) expect(await storedMessage(id)).toMatchObject({ status: "sent", attempts: [expect.objectContaining({ status: "sent" })] });
    const projected = [...queued.mock.calls.map(([body]) => body), ...queuedBatches.mock.calls.flatMap(([bodies]) => [...bodies].map((m) => m.body))];
    expect(projected.filter((body) => ids.includes((body as { messageId: string }).messageId))).toEqual([]);
  });

  it("writes a message's row without waiting for its status_callback's first attempt, which still goes out once", async () => {
    fake = fakeProviders();
    const receiver = fakeReceiver();
    const answer = hold();
    receiver.respondWith(async () => {
      await answer.wait();
      return new Response("ok");
    });
    try {
      const id = await storeMessage(await createAccount("live"), { statusCallback: receiver.url });
      // The consumer returns while the receiver has not answered: it held up neither the row nor the ack.
      const result = await runConsumer([id]);
      expect(result.explicitAcks).toHaveLength(1);
      expect(await storedMessage(id)).toMatchObject({ status: "sent" });
      await answer.reached();
      answer.release();
      await expect
        .poll(async () => (await messageStatusStub(env, id).events()).filter((event) => event.type === "webhook.attempt"))
        .toEqual([expect.objectContaining({ data: expect.objectContaining({ outcome: "delivered", attempt: 1 }) })]);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      receiver.restore();
    }
  });
});

describe("live WhatsApp hand-off", () => {
  it("sends from the phone-number id the create stored with the message's sender", async () => {
    fake = fakeProviders();
    const account = await createAccount("live");
    const sender = await bindSender(account, "whatsapp");
    const id = await storeMessage(account, {
      channel: "whatsapp",
      to: "+919876543210",
      from: sender.address,
      // As the create stores it: the delivery reads the message's own row alone.
      fromId: sender.phone_number_id,
      rendered: { channel: "whatsapp", type: "text", text: "hi" },
    });
    await runConsumer([id]);
    expect(fake.requests.map((request) => request.url.pathname)).toEqual([`/v23.0/${sender.phone_number_id}/messages`]);
  });
});
