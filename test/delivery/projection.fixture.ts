// Shared by the projection tests: accounts placed on given shards, message
// rows stored on a given shard, and the projection consumer run by hand on a
// batch of projections (createMessageBatch/getQueueResult).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { accounts } from "../../src/db/control-schema.ts";
import { messages, type NewMessageRow } from "../../src/db/message-schema.ts";
import { insertMessage } from "../../src/db/messages.ts";
import type { Projection } from "../../src/db/projections.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { newMessageId, unixSeconds } from "../../src/domain/ids.ts";
import type { Placement } from "../../src/domain/placement.ts";
import worker from "../../src/index.ts";
import type { TestAccount } from "../support/accounts.ts";
import { db } from "../support/db.ts";

export async function place(account: TestAccount, placement: Placement): Promise<void> {
  await db().update(accounts).set({ placement }).where(eq(accounts.id, account.id));
}

/** A queued message's row on `shard`, with an id born on `bornOn` (the shard itself unless the account was moved). */
export async function storeOn(shard: number, account: TestAccount, overrides: Partial<NewMessageRow> = {}): Promise<string> {
  const id = overrides.id ?? newMessageId(shard);
  await insertMessage(shardDatabase(env, shard), {
    id,
    accountId: account.id,
    mode: account.mode,
    channel: "sms",
    to: "+14155550123",
    from: "+14155550100",
    content: { text: "Your code is 849201" },
    rendered: { channel: "sms", text: "Your code is 849201" },
    status: "queued",
    createdAt: unixSeconds(),
    ...overrides,
  });
  return id;
}

/** The row of message `id` as shard `shard` holds it (undefined: not there). */
export async function rowOn(shard: number, id: string) {
  return (await shardDatabase(env, shard).select().from(messages).where(eq(messages.id, id)))[0];
}

const untouched = { deliveredAt: null, providerLatencyMs: null, errorCode: null, errorMessage: null, attempts: null, deliveredChannel: null, redactedAt: null };

/** A projection as a message's object sends it. */
export function projection(account: TestAccount, messageId: string, seq: number, fields: Partial<Projection> = {}): Projection {
  return { messageId, accountId: account.id, seq, status: "sent", ...untouched, ...fields };
}

/**
 * Runs the projection consumer on one batch of these projections, in this
 * order: the message ids acked and retried (as id@seq when a message has
 * several projections in the batch).
 */
export async function runProjections(projections: Projection[]) {
  const batch = createMessageBatch<Projection>(
    "omniflow-projections",
    projections.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  // getQueueResult() does not report retry options, so record the delays here.
  const retryDelays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      retryDelays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await (worker as ExportedHandler<Env, Projection>).queue!(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  const several = (id: string) => projections.filter((body) => body.messageId === id).length > 1;
  const idOf = new Map(batch.messages.map(({ id, body }) => [id, several(body.messageId) ? `${body.messageId}@${body.seq}` : body.messageId]));
  return { acked: result.explicitAcks.map((id) => idOf.get(id)), retried: result.retryMessages.map((retry) => idOf.get(retry.msgId)), retryDelays, result };
}
