import { createRoute, z } from "@hono/zod-openapi";
import { createMessageSchema } from "../../domain/message.ts";
import { commonErrors, notFoundError, paginationQuery, requestBody } from "../../http/openapi-schemas.ts";
import { MessageEventListSchema, MessageIdParams, MessageListSchema, MessageSchema } from "./messages.schemas.ts";

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

export const listMessageEvents = createRoute({
  method: "get",
  path: "/v1/messages/{id}/events",
  tags: ["Messages"],
  summary: "List a message's events",
  description: "The message's event log, oldest first: status changes, provider hand-off attempts and their outcome, webhook attempts.",
  request: { params: MessageIdParams },
  responses: {
    200: { content: { "application/json": { schema: MessageEventListSchema } }, description: "The event log" },
    ...commonErrors,
    ...notFoundError,
  },
});
