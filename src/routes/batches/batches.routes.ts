import { createRoute } from "@hono/zod-openapi";
import { createBatchSchema } from "../../domain/batch.ts";
import { apiKey } from "../../http/auth.ts";
import { BATCH_PATH, MAX_BATCH_BODY_BYTES } from "../../http/body.ts";
import { errors } from "../../http/errors.ts";
import { commonErrors, errorResponse, notFoundError, sendingErrors } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { BatchCancelSchema, BatchCreatedSchema, BatchIdParams, BatchSchema, createBatchExample } from "./batches.schemas.ts";
import { batchItems } from "./create.hooks.ts";

const body = jsonOrForm(createBatchSchema, createBatchExample);

export const create = createRoute({
  method: "post",
  path: BATCH_PATH,
  operationId: "createMessageBatch",
  tags: ["Batches"],
  summary: "Send a batch of messages",
  description:
    "Creates up to 1,000 messages in one request. Each item is a create body and is checked, limited and sent exactly as POST /v1/messages would (daily cap, per-recipient limit, suppressions, country rules). strict (the default): any item that cannot be sent refuses the whole batch with a 400 `batch_invalid` listing every item's error by index, and nothing is created. permissive: the other items are created. One Idempotency-Key covers the whole batch.",
  middleware: apiKey({ body, batchItems, createsBatch: true, allowsSendingAccess: true }),
  request: { body },
  responses: {
    201: { content: { "application/json": { schema: BatchCreatedSchema } }, description: "The batch: each item's message, or its error" },
    ...sendingErrors,
    400: errorResponse(
      "Invalid request, or a batch none of whose messages is created (batch_invalid, with every item's error)",
      errors.batchRefused([{ index: 2, error: errors.invalidParam("to", "Invalid to: must be a phone number in E.164 format").detail() }], 3),
    ),
    413: errorResponse(`The body is larger than ${MAX_BATCH_BODY_BYTES / 1024} KiB`, errors.bodyTooLarge(MAX_BATCH_BODY_BYTES)),
    415: errorResponse("The body is neither JSON nor form-encoded", errors.unsupportedMediaType()),
  },
});

export const retrieve = createRoute({
  method: "get",
  path: "/v1/batches/{id}",
  operationId: "retrieveBatch",
  tags: ["Batches"],
  summary: "Retrieve a batch",
  description: "The batch with how many of its messages are in each status. List its messages with GET /v1/messages?batch_id=.",
  middleware: apiKey(),
  request: { params: BatchIdParams },
  responses: {
    200: { content: { "application/json": { schema: BatchSchema } }, description: "The batch" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const cancel = createRoute({
  method: "post",
  path: "/v1/batches/{id}/cancel",
  operationId: "cancelBatch",
  tags: ["Batches"],
  summary: "Cancel a batch's scheduled messages",
  description:
    "Cancels every message of the batch that is still `scheduled` (each ends `canceled`, with its status callback). Messages already sent are left alone.",
  middleware: apiKey(),
  request: { params: BatchIdParams },
  responses: {
    200: { content: { "application/json": { schema: BatchCancelSchema } }, description: "How many were canceled" },
    ...commonErrors,
    ...notFoundError,
  },
});
