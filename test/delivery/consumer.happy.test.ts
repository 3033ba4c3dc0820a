// The queue consumer, driven batch by batch (createMessageBatch/getQueueResult),
// against fake provider APIs, for live-mode messages.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { projectedMessage } from "../support/db.ts";
import { fakeProviders } from "../support/fake-http.ts";
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
