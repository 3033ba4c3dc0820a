import { createRoute, z } from "@hono/zod-openapi";
import { createMessageSchema } from "../../domain/message.ts";
import { commonErrors, notFoundError, paginationQuery, requestBody } from "../../http/openapi-schemas.ts";
import { MessageIdParams, MessageListSchema, MessageSchema } from "./messages.schemas.ts";

export const createMessage = createRoute({
  method: "post",
  path: "/v1/messages",
  tags: ["Messages"],
  summary: "Create a message",
  request: { body: requestBody(createMessageSchema) },
  responses: {
    201: { content: { "application/json": { schema: MessageSchema } }, description: "The message, queued for delivery" },
    ...commonErrors,
  },
});

export const retrieveMessage = createRoute({
  method: "get",
  path: "/v1/messages/{id}",
  tags: ["Messages"],
  summary: "Retrieve a message",
  request: { params: MessageIdParams },
  responses: {
    200: { content: { "application/json": { schema: MessageSchema } }, description: "The message" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const listMessages = createRoute({
  method: "get",
  path: "/v1/messages",
  tags: ["Messages"],
  summary: "List all messages",
  request: { query: z.strictObject(paginationQuery) },
  responses: {
    200: { content: { "application/json": { schema: MessageListSchema } }, description: "A page of messages, newest first" },
    ...commonErrors,
  },
});
