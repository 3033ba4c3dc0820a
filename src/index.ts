// The Worker: the HTTP API (fetch), the delivery pipeline (queue) and the
// per-message Durable Object, deployed together.
import { createApp } from "./app.ts";
import { accountRouter } from "./routes/account/index.ts";
import { consumeDeadLetters, consumeDeliveries } from "./delivery/consumer.ts";
import { messagesRouter } from "./routes/messages/index.ts";
import { providersRouter } from "./routes/providers/index.ts";
import type { DeliveryJob } from "./services/messages.ts";

export { MessageStatus } from "./delivery/message-status.ts";

const app = createApp([messagesRouter, accountRouter, providersRouter]);

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else await consumeDeliveries(batch, env);
  },
} satisfies ExportedHandler<Env, DeliveryJob>;
