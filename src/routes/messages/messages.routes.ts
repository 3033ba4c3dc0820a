import { createRoute, z } from "@hono/zod-openapi";
import { createMessageSchema } from "../../domain/message.ts";
import { commonErrors, notFoundError } from "../../http/openapi-schemas.ts";
import { MessageEventListSchema, MessageIdParams, MessageListQuery, MessageListSchema, MessageSchema } from "./messages.schemas.ts";

// The body is validated by validBody() (JSON and bracket-notation forms alike),
// so the document gets the schema as plain JSON Schema rather than a zod
// schema that @hono/zod-openapi would try to validate a second time.
const createBodyDoc = z.toJSONSchema(createMessageSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;

export const createMessage = createRoute({
  method: "post",
  path: "/v1/messages",
  tags: ["Messages"],
  summary: "Create a message",
  request: {
    body: {
      required: true,
      content: {
        "application/json": { schema: createBodyDoc },
        "application/x-www-form-urlencoded": { schema: createBodyDoc },
      },
    },
  },
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
  description: "Newest first. Filters combine; a cursor remembers the filters of its list.",
  request: { query: MessageListQuery },
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
