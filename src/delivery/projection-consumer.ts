// The projection queue's consumer: the status projections that messages'
// Durable Objects send (status-projection.ts), written to their rows. A batch
// reads its accounts' placements in one control-database query, keeps the
// newest projection of each message, and writes each shard's projections in
// one D1 batch: a shard's write round trips per message approach one (the
// insert) plus a share of a batch. A shard whose batch failed has its
// messages retried, with backoff; the others are acked. A projection still
// unwritten after the queue's last retry goes to the dead-letter queue
// (projection-dead-letters.ts).
import type { Database } from "../db/client.ts";
import { accountPlacements, type Projection, writeProjections } from "../db/projections.ts";
import { shardDatabase } from "../db/shards.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import { shardOfMessageId, unixSeconds } from "../domain/ids.ts";
import { placementOf, shardsWriting } from "../domain/placement.ts";
import { logger } from "../log.ts";
import { keepArchivedChanges } from "./archived-changes.ts";
import { checkBatches } from "./batch-completion.ts";

export async function consumeProjections(batch: MessageBatch<Projection>, env: Env, controlDb: Database): Promise<void> {
  // Each projection carries the object's whole view, so an older one of the same message is done once the newest is.
  const newest = new Map<string, Message<Projection>>();
  for (const message of batch.messages) {
    const held = newest.get(message.body.messageId);
    if (!held || message.body.seq > held.body.seq) newest.set(message.body.messageId, message);
  }

  let failed: Set<string>;
  try {
    failed = await projectEverywhere(
      env,
      controlDb,
      [...newest.values()].map((message) => message.body),
    );
  } catch (error) {
    logger.error("projection_placements_failed", { count: batch.messages.length, error });
    batch.retryAll({ delaySeconds: backoffSeconds(Math.max(...batch.messages.map((message) => message.attempts))) });
    return;
  }

  for (const message of batch.messages) {
    const { messageId } = message.body;
    // With backoff: the queue's retries (max_retries) then span a shard's outage of many minutes, not a few seconds.
    if (newest.get(messageId) === message && failed.has(messageId)) message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    else message.ack();
  }
}

/**
 * Writes projections (at most one per message) to every shard that takes
 * each, one D1 batch per shard; the ids whose shard's batch failed. Throws
 * when the placements cannot be read.
 */
export async function projectEverywhere(env: Env, controlDb: Database, projections: Projection[]): Promise<Set<string>> {
  const placements = await accountPlacements(controlDb, [...new Set(projections.map((projection) => projection.accountId))]);

  // During a move of the shard holding a message, both the source and the target take its projection.
  const byShard = new Map<number, Projection[]>();
  for (const projection of projections) {
    const placement = placementOf({ placement: placements.get(projection.accountId) ?? null });
    for (const shard of shardsWriting(placement, shardOfMessageId(projection.messageId))) {
      byShard.set(shard, [...(byShard.get(shard) ?? []), projection]);
    }
  }

  const failed = new Set<string>();
  const now = unixSeconds();
  await Promise.all(
    [...byShard].map(async ([shard, onShard]) => {
      try {
        await writeProjections(shardDatabase(env, shard), onShard, now);
      } catch (error) {
        logger.error("projection_write_failed", { shard, count: onShard.length, error });
        for (const projection of onShard) failed.add(projection.messageId);
      }
    }),
  );
  // A change of a message whose row the archive has moved to R2 updated no row: kept for the archive instead.
  const written = new Map([...byShard].map(([shard, onShard]) => [shard, onShard.filter((projection) => !failed.has(projection.messageId))]));
  await keepArchivedChanges(env, controlDb, written, Date.now());
  await checkBatches(env, projections, placements, failed);
  return failed;
}
