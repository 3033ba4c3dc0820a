// The Queue consumer: each job is one message id, handed to the message's
// Durable Object, and acked or retried on its own. The object answers with
// the projection of what the hand-off changed, and the batch's projections
// are written to D1 here (direct-projections.ts), not queued by each object.
import type { Database } from "../db/client.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import { logger } from "../log.ts";
import { DirectProjections } from "./direct-projections.ts";
import type { DeliveryJob } from "./job.ts";
import { type DeliveryAnswer, messageStatusStub } from "./message-status.ts";

export async function consumeDeliveries(batch: MessageBatch<DeliveryJob>, env: Env, controlDb: () => Database): Promise<void> {
  const projections = new DirectProjections(env, controlDb, batch.messages.length);
  await Promise.all(
    batch.messages.map(async (message) => {
      const { messageId, endpoints } = message.body;
      let answer: DeliveryAnswer;
      try {
        answer = await messageStatusStub(env, messageId).deliver(messageId, message.attempts, endpoints, true);
      } catch (error) {
        void projections.answered(undefined);
        // D1 or the Durable Object had a moment's trouble: try again later.
        logger.with({ message_id: messageId }).error("delivery_error", { attempt: message.attempts, error });
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
        return;
      }
      const projected = await projections.answered(answer.projection);
      if (answer.action === "retry") message.retry({ delaySeconds: answer.delaySeconds });
      else if (projected) message.ack();
      // Neither D1 nor the projection queue took its view: the job's retry finds the message handed off and answers it again.
      else message.retry({ delaySeconds: backoffSeconds(message.attempts) });
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
