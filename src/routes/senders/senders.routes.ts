import { createRoute, z } from "@hono/zod-openapi";
import { createSenderSchema } from "../../domain/sender.ts";
import { bodyErrors, commonErrors, conflictError, notFoundError, paginationQuery, validatedBody } from "../../http/openapi-schemas.ts";
import { DeletedSenderSchema, SenderIdParams, SenderListSchema, SenderSchema } from "./senders.schemas.ts";

export const create = createRoute({
  operationId: "createSender",
  method: "post",
  path: "/v1/senders",
  tags: ["Senders"],
  summary: "Add a sender",
  request: { body: validatedBody(createSenderSchema, { channel: "sms", address: "+14155550100", default: true }) },
  responses: {
    201: { content: { "application/json": { schema: SenderSchema } }, description: "The sender" },
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
  },
});

export const retrieve = createRoute({
  operationId: "retrieveSender",
  method: "get",
  path: "/v1/senders/{id}",
  tags: ["Senders"],
  summary: "Retrieve a sender",
  request: { params: SenderIdParams },
  responses: {
    200: { content: { "application/json": { schema: SenderSchema } }, description: "The sender" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const remove = createRoute({
  operationId: "deleteSender",
  method: "delete",
  path: "/v1/senders/{id}",
  tags: ["Senders"],
  summary: "Delete a sender",
  description: "Messages already sent keep the from they were sent with.",
  request: { params: SenderIdParams },
  responses: {
    200: { content: { "application/json": { schema: DeletedSenderSchema } }, description: "The sender is deleted" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const list = createRoute({
  operationId: "listSenders",
  method: "get",
  path: "/v1/senders",
  tags: ["Senders"],
  summary: "List all senders",
  request: { query: z.strictObject(paginationQuery) },
  responses: {
    200: { content: { "application/json": { schema: SenderListSchema } }, description: "A page of senders, newest first" },
    ...commonErrors,
  },
});
