// Drives the delivery pipeline by hand instead of through the real Queue:
// messages stored without a job, and the consumer run on a batch the test makes.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { NewMessageRow } from "../../src/db/message-schema.ts";
import { insertMessage } from "../../src/db/messages.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import type { DeliveryJob } from "../../src/delivery/job.ts";
import { newMessageId, unixSeconds } from "../../src/domain/ids.ts";
import worker from "../../src/index.ts";
import type { TestAccount } from "./accounts.ts";
import { messageDb } from "./db.ts";

let spread = 0;

/** An id of a message of `account` created at `ms` (a UUIDv7's first 48 bits are its creation time), on one of its write shards in turn (its last four hex digits). */
export function idCreatedAt(account: TestAccount, ms: number): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
  const shard = account.placement.write[spread++ % account.placement.write.length]!;
  return `msg_${ms.toString(16).padStart(12, "0")}${random}${shard.toString(16).padStart(4, "0")}`;
}

/**
 * Stores a message as the API would, without queueing it: for tests that drive
 * the consumer themselves. On the shard its id names, or on `onShard` (a row
 * an account's move has carried off the shard it was created on).
 */
export async function storeMessage(account: TestAccount, overrides: Partial<NewMessageRow> = {}, onShard?: number): Promise<string> {
  const id = overrides.id ?? newMessageId(account.placement.home);
  const content = { text: "Your code is 849201" };
  await insertMessage(onShard === undefined ? messageDb(id) : shardDatabase(env, onShard), {
    id,
    accountId: account.id,
    mode: account.mode,
    channel: "sms",
    to: "+14155550123",
    from: "+14155550100",
    content,
    rendered: { channel: "sms", text: content.text },
    status: "queued",
    createdAt: unixSeconds(),
    ...overrides,
  });
  return id;
}

/** The delays each retry of the batch's messages asks for, as they are asked: getQueueResult() does not report them. */
export function recordRetryDelays(batch: MessageBatch<unknown>): (number | undefined)[] {
  const retryDelays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      retryDelays.push(options?.delaySeconds);
      retry(options);
    };
  }
  return retryDelays;
}

/** Runs the Worker's queue handler on one batch of these bodies of `queue`, delivered for the `attempts`th time; its result and the retries' delays. */
export async function runQueueBatch<Body>(queue: string, bodies: Body[], attempts = 1) {
  const batch = createMessageBatch<Body>(
    queue,
    bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts, body })),
  );
  const retryDelays = recordRetryDelays(batch);
  const ctx = createExecutionContext();
  await (worker as ExportedHandler<Env, Body>).queue!(batch, env, ctx);
  return { ...(await getQueueResult(batch, ctx)), retryDelays, batch };
}

/** Runs the queue consumer on one batch of these message ids, as delivery `attempts`. */
export function runConsumer(messageIds: string[], attempts = 1, queue = "omniflow-messages") {
  return runQueueBatch<DeliveryJob>(
    queue,
    messageIds.map((messageId) => ({ messageId })),
    attempts,
  );
}
