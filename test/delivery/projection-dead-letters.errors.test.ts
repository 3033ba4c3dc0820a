// The projection queue's dead-letter queue: a projection the consumer could
// not write within its retries lands there, and its consumer writes the
// message's view as its object holds it now (not the dead-lettered one, which
// may be old), or retries when it cannot.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { shardBinding } from "../../src/db/shards.ts";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import wranglerToml from "../../wrangler.toml?raw";
import { createAccount } from "../support/accounts.ts";
import { rowFromQueue, storedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { runQueueBatch, storeMessage } from "../support/queue.ts";
import { loseProjections } from "./convergence.fixture.ts";
import { projection } from "./projection.fixture.ts";

useFakeProviders();
afterEach(() => vi.restoreAllMocks());

const DLQ = "omniflow-projections-dlq";

/** A handed-off SMS, delivered since, whose row still says `sent`: the projection of its delivery is the one dead-lettered. */
async function deliveredBehind() {
  const message = await handedOff();
  await rowFromQueue(message.id).toMatchObject({ status: "sent" });
  loseProjections();
  await message.report("delivered");
  vi.restoreAllMocks();
  return message;
}

describe("the projection dead-letter queue's consumer", () => {
  it("writes the object's current view, newer than the dead-lettered projection", async () => {
    const { account, id } = await deliveredBehind();
    // The dead letter is the older `sent` projection.
    const { explicitAcks } = await runQueueBatch(DLQ, [projection(account, id, 1, { status: "sent" })]);

    expect(explicitAcks).toHaveLength(1);
    expect(await storedMessage(id)).toMatchObject({
      status: "delivered",
      deliveredChannel: "sms",
      attempts: [expect.objectContaining({ status: "delivered" })],
    });
  });

  it("retries, with backoff, while the shard still cannot be written or the object cannot be reached", async () => {
    const { account, id } = await deliveredBehind();
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(shardBinding(env, shardOfMessageId(id)), "batch").mockRejectedValue(new Error("D1_ERROR: internal error"));
    const down = await runQueueBatch(DLQ, [projection(account, id, 1)], 3);
    expect(down.retryMessages).toHaveLength(1);
    expect(down.retryDelays[0]).toBeGreaterThanOrEqual(4);

    vi.restoreAllMocks();
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(env.MESSAGE_STATUS, "get").mockReturnValue({ view: () => Promise.reject(new Error("object unavailable")) } as never);
    const unreachable = await runQueueBatch(DLQ, [projection(account, id, 1)], 4);
    expect(unreachable.retryMessages).toHaveLength(1);
    expect(await storedMessage(id)).toMatchObject({ status: "sent" });
  });

  it("acks a message whose object holds nothing (emptied with its row by retention) and writes nothing", async () => {
    const account = await createAccount();
    const id = await storeMessage(account, { status: "sent" });

    const { explicitAcks, retryMessages } = await runQueueBatch(DLQ, [projection(account, id, 1, { status: "delivered" })]);

    expect(explicitAcks).toHaveLength(1);
    expect(retryMessages).toHaveLength(0);
    expect(await storedMessage(id)).toMatchObject({ status: "sent" });
  });

  it("is where the projection queue's consumer sends what it gave up on (wrangler.toml, which the tests run too)", () => {
    const consumers = wranglerToml.split("[[queues.consumers]]").slice(1);
    const projections = consumers.find((block) => block.startsWith('\nqueue = "omniflow-projections"\n'));
    expect(projections).toMatch(/^dead_letter_queue = "omniflow-projections-dlq"$/m);
    expect(consumers.some((block) => block.startsWith('\nqueue = "omniflow-projections-dlq"\n'))).toBe(true);
  });
});
