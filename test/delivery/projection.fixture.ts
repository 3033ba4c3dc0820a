// Shared by the projection tests: accounts placed on given shards, message
// rows stored on a given shard, and the projection consumer run by hand on a
// batch of projections (createMessageBatch/getQueueResult).
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { accounts } from "../../src/db/control-schema.ts";
import { messages, type NewMessageRow } from "../../src/db/message-schema.ts";
import type { Projection } from "../../src/db/projections.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { newMessageId } from "../../src/domain/ids.ts";
import type { Placement } from "../../src/domain/placement.ts";
import type { TestAccount } from "../support/accounts.ts";
import { db } from "../support/db.ts";
import { runQueueBatch, storeMessage } from "../support/queue.ts";

export async function place(account: TestAccount, placement: Placement): Promise<void> {
  await db().update(accounts).set({ placement }).where(eq(accounts.id, account.id));
}

/** A queued message's row on `shard`, with an id born there unless `overrides` gives one (born elsewhere: moved here). */
export function storeOn(shard: number, account: TestAccount, overrides: Partial<NewMessageRow> = {}): Promise<string> {
  return storeMessage(account, { id: newMessageId(shard), ...overrides }, shard);
}

/** The row of message `id` as shard `shard` holds it (undefined: not there). */
export async function rowOn(shard: number, id: string) {
  return (await shardDatabase(env, shard).select().from(messages).where(eq(messages.id, id)))[0];
}

const untouched = {
  deliveredAt: null,
  providerLatencyMs: null,
  errorCode: null,
  errorMessage: null,
  attempts: null,
  deliveredChannel: null,
  redactedAt: null,
  price: null,
  priceStatus: null,
};

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
  const { batch, retryDelays, ...result } = await runQueueBatch("omniflow-projections", projections);
  const several = (id: string) => projections.filter((body) => body.messageId === id).length > 1;
  const idOf = new Map(batch.messages.map(({ id, body }) => [id, several(body.messageId) ? `${body.messageId}@${body.seq}` : body.messageId]));
  return { acked: result.explicitAcks.map((id) => idOf.get(id)), retried: result.retryMessages.map((retry) => idOf.get(retry.msgId)), retryDelays, result };
}
