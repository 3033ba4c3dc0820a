// Every router of the API, in the order the app mounts them.
import { accountRouter } from "./account/index.ts";
import { apiKeysRouter } from "./api-keys/index.ts";
import { batchesRouter } from "./batches/index.ts";
import { geoPermissionsRouter } from "./geo-permissions/index.ts";
import { mediaRouter } from "./media/index.ts";
import { messagesRouter } from "./messages/index.ts";
import { providersRouter } from "./providers/index.ts";
import { sendersRouter } from "./senders/index.ts";
import { suppressionsRouter } from "./suppressions/index.ts";
import { templatesRouter } from "./templates/index.ts";
import { testHelpersRouter } from "./test-helpers/index.ts";
import { usageRouter } from "./usage/index.ts";
import { verificationsRouter } from "./verifications/index.ts";
import { webhookEndpointsRouter } from "./webhook-endpoints/index.ts";

export const apiRouters = [
  // Before messages: POST /v1/messages/batch is not a message id.
  batchesRouter,
  messagesRouter,
  mediaRouter,
  templatesRouter,
  sendersRouter,
  accountRouter,
  apiKeysRouter,
  geoPermissionsRouter,
  suppressionsRouter,
  usageRouter,
  webhookEndpointsRouter,
  testHelpersRouter,
  verificationsRouter,
  providersRouter,
];
