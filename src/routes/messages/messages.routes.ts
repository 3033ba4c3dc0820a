import { createRoute, z } from "@hono/zod-openapi";
import { createMessageSchema } from "../../domain/message.ts";
import { bodyErrors, commonErrors, notFoundError, paginationQuery, validatedBody } from "../../http/openapi-schemas.ts";
import { examples, MessageIdParams, MessageListSchema, MessageSchema } from "./messages.schemas.ts";

const json = (schema: z.ZodType, example: unknown) => ({ "application/json": { schema, example } });

export const createMessage = createRoute({
  method: "post",
  path: "/v1/messages",
  operationId: "createMessage",
  tags: ["Messages"],
  summary: "Create a message",
  description: "Dispatches a new message. OmniFlow routes it based on the selected channel (WhatsApp, SMS, email).",
  request: { body: validatedBody(createMessageSchema, examples.createRequest) },
  responses: {
    201: { content: json(MessageSchema, examples.created), description: "The message, queued for delivery" },
    ...commonErrors,
    ...bodyErrors,
  },
});

export const retrieveMessage = createRoute({
  method: "get",
  path: "/v1/messages/{id}",
  operationId: "retrieveMessage",
  tags: ["Messages"],
  summary: "Retrieve a message",
  description: "Retrieves the details of an existing message by the id returned on creation.",
  request: { params: MessageIdParams },
  responses: {
    200: { content: json(MessageSchema, examples.delivered), description: "The message" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const listMessages = createRoute({
  method: "get",
  path: "/v1/messages",
  operationId: "listMessages",
  tags: ["Messages"],
  summary: "List all messages",
  description: "Returns your messages, most recent first, with cursor-based pagination.",
  request: { query: z.strictObject(paginationQuery) },
  responses: {
    200: { content: json(MessageListSchema, examples.list), description: "A page of messages, newest first" },
    ...commonErrors,
  },
});
