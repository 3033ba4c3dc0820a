// The Queue consumer: each job is one message id, handed to the message's
// Durable Object, and acked or retried on its own.
import { backoffSeconds } from "../domain/backoff.ts";
import { logger } from "../log.ts";
import type { DeliveryJob } from "./job.ts";
import { messageStatusStub } from "./message-status.ts";

export async function consumeDeliveries(batch: MessageBatch<DeliveryJob>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const { messageId, endpoints } = message.body;
      try {
        const outcome = await messageStatusStub(env, messageId).deliver(messageId, message.attempts, endpoints);
        if (outcome.action === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
        else message.ack();
      } catch (error) {
        // D1 or the Durable Object had a moment's trouble: try again later.
        logger.with({ message_id: messageId }).error("delivery_error", { attempt: message.attempts, error });
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }),
  );
}

/** Jobs the queue gave up on: their messages fail as provider_unavailable instead of staying queued. */
export async function consumeDeadLetters(batch: MessageBatch<DeliveryJob>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const { messageId } = message.body;
      try {
        await messageStatusStub(env, messageId).deadLettered(messageId);
        message.ack();
      } catch (error) {
        logger.with({ message_id: messageId }).error("dead_letter_error", { error });
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }),
  );
}
