// The projection queue's consumer: the status projections that messages'
// Durable Objects send (status-projection.ts), written to their rows. A batch
// reads its accounts' placements in one control-database query, keeps the
// newest projection of each message, and writes each shard's projections in
// one D1 batch: a shard's write round trips per message approach one (the
// insert) plus a share of a batch. A shard whose batch failed has its
// messages retried, with backoff; the others are acked.
import { database } from "../db/client.ts";
import { accountPlacements, type Projection, writeProjections } from "../db/projections.ts";
import { shardDatabase } from "../db/shards.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import { shardOfMessageId, unixSeconds } from "../domain/ids.ts";
import { type Placement, placementOf, shardsWriting } from "../domain/placement.ts";
import { logger } from "../log.ts";

export async function consumeProjections(batch: MessageBatch<Projection>, env: Env): Promise<void> {
  // Each projection carries the object's whole view, so an older one of the same message is done once the newest is.
  const newest = new Map<string, Message<Projection>>();
  for (const message of batch.messages) {
    const held = newest.get(message.body.messageId);
    if (!held || message.body.seq > held.body.seq) newest.set(message.body.messageId, message);
  }

  let placements: Map<string, Placement | null>;
  try {
    placements = await accountPlacements(database(env.CONTROL_DB), [...new Set(batch.messages.map((message) => message.body.accountId))]);
  } catch (error) {
    logger.error("projection_placements_failed", { count: batch.messages.length, error });
    batch.retryAll({ delaySeconds: backoffSeconds(Math.max(...batch.messages.map((message) => message.attempts))) });
    return;
  }

  // During a move of the shard holding a message, both the source and the target take its projection.
  const byShard = new Map<number, Projection[]>();
  for (const { body } of newest.values()) {
    const placement = placementOf({ placement: placements.get(body.accountId) ?? null });
    for (const shard of shardsWriting(placement, shardOfMessageId(body.messageId))) {
      byShard.set(shard, [...(byShard.get(shard) ?? []), body]);
    }
  }

  const failed = new Set<string>();
  const now = unixSeconds();
  await Promise.all(
    [...byShard].map(async ([shard, projections]) => {
      try {
        await writeProjections(shardDatabase(env, shard), projections, now);
      } catch (error) {
        logger.error("projection_write_failed", { shard, count: projections.length, error });
        for (const projection of projections) failed.add(projection.messageId);
      }
    }),
  );

  for (const message of batch.messages) {
    const { messageId } = message.body;
    // With backoff: the queue's retries (max_retries) then span a shard's outage of many minutes, not a few seconds.
    if (newest.get(messageId) === message && failed.has(messageId)) message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    else message.ack();
  }
}
