// The Worker: the HTTP API (fetch), the delivery pipeline (queue), the
// Durable Objects, and every minute the maintenance that keeps messages
// moving (scheduled), deployed together.
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { consumeDeadLetters, consumeDeliveries } from "./delivery/consumer.ts";
import type { DeliveryJob } from "./delivery/job.ts";
import { accountRouter } from "./routes/account/index.ts";
import { apiKeysRouter } from "./routes/api-keys/index.ts";
import { geoPermissionsRouter } from "./routes/geo-permissions/index.ts";
import { messagesRouter } from "./routes/messages/index.ts";
import { providersRouter } from "./routes/providers/index.ts";
import { sendersRouter } from "./routes/senders/index.ts";
import { templatesRouter } from "./routes/templates/index.ts";
import { runMaintenance } from "./services/maintenance.ts";

export { MessageStatus } from "./delivery/message-status.ts";
export { AccountGate } from "./gate/account-gate.ts";

const app = createApp([messagesRouter, templatesRouter, sendersRouter, accountRouter, apiKeysRouter, geoPermissionsRouter, providersRouter]);

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else {
      // Bad configuration: nothing is handed off; the batch is retried, naming the variable, until it is fixed.
      loadConfig(env);
      await consumeDeliveries(batch, env);
    }
  },
  async scheduled(controller, env) {
    await runMaintenance(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, DeliveryJob>;
