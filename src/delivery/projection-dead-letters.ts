// The projection queue's dead-letter queue: projections the consumer could
// not write within its retries (a shard down for longer than they span). The
// dead-lettered projection itself may be old by now, so each message's object
// is asked for its view as it is now (with a fresh seq), and those views are
// written as the consumer writes them. An object without state (emptied by
// retention, with its row) has nothing to write. A failure is retried with
// backoff, as the queue's own retries are.
import type { Database } from "../db/client.ts";
import type { Projection } from "../db/projections.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import { logger } from "../log.ts";
import { messageStatusStub } from "./message-status.ts";
import { projectEverywhere } from "./projection-consumer.ts";

export async function consumeProjectionDeadLetters(batch: MessageBatch<Projection>, env: Env, controlDb: Database): Promise<void> {
  const ids = [...new Set(batch.messages.map((message) => message.body.messageId))];
  const views = await Promise.allSettled(ids.map((id) => messageStatusStub(env, id).view()));
  const unreachable = new Set(ids.filter((_, i) => views[i]!.status === "rejected"));
  const current = views.flatMap((view) => (view.status === "fulfilled" && view.value !== null ? [view.value] : []));

  let failed: Set<string>;
  try {
    failed = await projectEverywhere(env, controlDb, current);
  } catch (error) {
    logger.error("projection_placements_failed", { count: batch.messages.length, error });
    failed = new Set(ids);
  }
  for (const message of batch.messages) {
    const { messageId } = message.body;
    if (unreachable.has(messageId) || failed.has(messageId)) {
      logger.with({ message_id: messageId }).error("projection_dead_letter_retry", { attempt: message.attempts });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    } else message.ack();
  }
}
