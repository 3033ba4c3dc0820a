// The Worker: the HTTP API (fetch), the delivery pipeline (queue), the
// Durable Objects, and every minute the maintenance that keeps messages
// moving (scheduled), deployed together.
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import type { Projection } from "./db/projections.ts";
import { consumeDeadLetters, consumeDeliveries } from "./delivery/consumer.ts";
import type { DeliveryJob } from "./delivery/job.ts";
import { consumeProjections } from "./delivery/projection-consumer.ts";
import { consumeProjectionDeadLetters } from "./delivery/projection-dead-letters.ts";
import { apiRouters } from "./routes/index.ts";
import { archiveColdMessages } from "./services/archive.ts";
import { workerControl } from "./services/control.ts";
import { runMaintenance } from "./services/maintenance.ts";
import { consumeRetention, type RetentionTask } from "./services/retention-tasks.ts";

export { MessageStatus } from "./delivery/message-status.ts";
export { Verifier } from "./delivery/verifier.ts";
export { AccountGate } from "./gate/account-gate.ts";

const app = createApp(apiRouters);

/** The status projections' queue and its dead-letter queue (wrangler.toml); every other queue but retention's carries delivery jobs. */
const PROJECTIONS_QUEUE = "omniflow-projections";
const PROJECTIONS_DLQ = "omniflow-projections-dlq";
/** Retention's tasks (src/services/retention-tasks.ts). */
const RETENTION_QUEUE = "omniflow-retention";
/**
 * The maintenance's Cron Trigger (wrangler.toml). Any other trigger an operator adds runs the archive alone: a second
 * run beside the maintenance's for a deployment that one run's budget no longer serves (docs/operations.md), the two
 * splitting the accounts by their leases.
 */
const MAINTENANCE_CRON = "* * * * *";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    // One control database client for the batch, made on first use (a delivery batch needs one only for its projections' placements).
    const control = workerControl(env);
    if (batch.queue === PROJECTIONS_QUEUE) await consumeProjections(batch as MessageBatch<Projection>, env, control.db);
    else if (batch.queue === PROJECTIONS_DLQ) await consumeProjectionDeadLetters(batch as MessageBatch<Projection>, env, control.db);
    else if (batch.queue === RETENTION_QUEUE) await consumeRetention(batch as MessageBatch<RetentionTask>, env, control);
    else if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch as MessageBatch<DeliveryJob>, env);
    else {
      // Bad configuration: nothing is handed off; the batch is retried, naming the variable, until it is fixed.
      loadConfig(env);
      await consumeDeliveries(batch as MessageBatch<DeliveryJob>, env, () => control.db);
    }
  },
  async scheduled(controller, env) {
    if (controller.cron === MAINTENANCE_CRON) await runMaintenance(env, workerControl(env), controller.scheduledTime);
    else await archiveColdMessages(env, workerControl(env), controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, DeliveryJob | Projection | RetentionTask>;
