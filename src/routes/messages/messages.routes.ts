import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { createMessageSchema } from "../../domain/message.ts";
import { apiKey } from "../../http/auth.ts";
import { errors } from "../../http/errors.ts";
import { commonErrors, dailyLimitError, errorResponse, mediaBodyErrors, notFoundError, sendingErrors, spendLimitError } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { createMessageHooks, createReads, previewReads } from "./create.hooks.ts";
import {
  examples,
  MessageEventListSchema,
  MessageIdParams,
  MessageListQuery,
  MessageListSchema,
  MessageSchema,
  WebhookEventSchema,
  WebhookRetrySchema,
} from "./messages.schemas.ts";
import { MessagePreviewSchema, messagePreviewExample } from "./preview.schemas.ts";

const json = (schema: z.ZodType, example: unknown) => ({ "application/json": { schema, example } });

// The create's body, also the preview's.
const createBody = jsonOrForm(createMessageSchema, examples.createRequest);

export const create = createRoute({
  method: "post",
  path: "/v1/messages",
  operationId: "createMessage",
  tags: ["Messages"],
  summary: "Create a message",
  description: "Dispatches a new message. OmniFlow routes it based on the selected channel (WhatsApp, SMS, email).",
  // Its guard: reads with the key lookup, the daily cap, the reserved id.
  middleware: apiKey({ body: createBody, reads: createReads, ...createMessageHooks }),
  request: { body: createBody },
  responses: {
    201: { content: json(MessageSchema, examples.created), description: "The message, queued for delivery" },
    // sending_access keys may create messages too: no 403.
    ...sendingErrors,
    ...mediaBodyErrors,
    ...spendLimitError,
    ...dailyLimitError,
  },
});

export const preview = createRoute({
  method: "post",
  path: "/v1/messages/preview",
  operationId: "previewMessage",
  tags: ["Messages"],
  summary: "Preview a message",
  description:
    "Takes the body of a create, checked exactly as the create checks it, and answers what the create would send: the rendered content, the sender the default pool would pick, and for SMS the encoding and segment count. Stores nothing, sends nothing, and does not count against the daily cap.",
  middleware: apiKey({ body: createBody, reads: previewReads }),
  request: { body: createBody },
  responses: {
    200: { content: json(MessagePreviewSchema, messagePreviewExample), description: "What the message would be sent as" },
    ...commonErrors,
    ...mediaBodyErrors,
  },
});

export const retrieve = createRoute({
  method: "get",
  path: "/v1/messages/{id}",
  operationId: "retrieveMessage",
  tags: ["Messages"],
  summary: "Retrieve a message",
  description: "Retrieves the details of an existing message by the id returned on creation.",
  middleware: apiKey(),
  request: { params: MessageIdParams },
  responses: {
    200: { content: json(MessageSchema, examples.delivered), description: "The message" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const list = createRoute({
  method: "get",
  path: "/v1/messages",
  operationId: "listMessages",
  tags: ["Messages"],
  summary: "List all messages",
  description:
    "Returns your messages, most recent first, with cursor-based pagination. Filters combine; a cursor remembers the filters of its list. Past the hot window (messages older than 7 days by default, kept in the archive) a page may hold fewer than `limit` messages with `has_more: true`, and a filtered one even none: each page reads a bounded part of the archive. Follow `next_cursor` until `has_more` is false; never stop at a short or empty page.",
  middleware: apiKey(),
  request: { query: MessageListQuery },
  responses: {
    200: { content: json(MessageListSchema, examples.list), description: "A page of messages, newest first" },
    ...commonErrors,
  },
});

export const listEvents = createRoute({
  method: "get",
  path: "/v1/messages/{id}/events",
  operationId: "listMessageEvents",
  tags: ["Messages"],
  summary: "List a message's events",
  description: "The message's event log, oldest first: status changes, provider hand-off attempts and their outcome, webhook attempts.",
  middleware: apiKey(),
  request: { params: MessageIdParams },
  responses: {
    200: { content: { "application/json": { schema: MessageEventListSchema } }, description: "The event log" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const retryWebhook = createRoute({
  method: "post",
  path: "/v1/messages/{id}/webhook/retry",
  operationId: "retryMessageWebhook",
  tags: ["Messages"],
  summary: "Resend abandoned status callbacks",
  description:
    "Puts every status callback of the message that was abandoned (its retries exhausted) back in its queue, to be sent again in order with the same event ids and a fresh retry schedule. A message with none abandoned is a 400 `webhook_not_abandoned`.",
  middleware: apiKey(),
  request: { params: MessageIdParams },
  responses: {
    200: { content: { "application/json": { schema: WebhookRetrySchema } }, description: "The callbacks are queued again" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const cancel = createRoute({
  method: "post",
  path: "/v1/messages/{id}/cancel",
  operationId: "cancelMessage",
  tags: ["Messages"],
  summary: "Cancel a scheduled message",
  description:
    "Cancels a message that is still `scheduled` (created with `send_at`): it ends `canceled`, with its status callback. Canceling a canceled message answers it again (no second callback); any other status is a 409 `message_not_cancelable`.",
  middleware: apiKey(),
  request: { params: MessageIdParams },
  responses: {
    200: { content: json(MessageSchema, examples.canceled), description: "The canceled message" },
    ...commonErrors,
    ...notFoundError,
    409: errorResponse(
      "The message is no longer scheduled (message_not_cancelable)",
      errors.problem({ param: "id", code: "message_not_cancelable", message: "Only a scheduled message can be canceled; this one is sent." }, 409),
    ),
  },
});

export const redact = createRoute({
  method: "post",
  path: "/v1/messages/{id}/redact",
  operationId: "redactMessage",
  tags: ["Messages"],
  summary: "Remove a message's content",
  description:
    "Removes the content, variables and rendered text of a final (delivered, read, undelivered, failed, canceled or expired) message from storage and from its event log's callbacks; `content` becomes null and `redacted_at` is set. Status, timestamps and error stay. A message not final yet is a 409 `message_not_final`. Redacting a redacted message changes nothing.",
  middleware: apiKey(),
  request: { params: MessageIdParams },
  responses: {
    200: { content: json(MessageSchema, examples.redacted), description: "The message, redacted" },
    ...commonErrors,
    ...notFoundError,
    409: errorResponse(
      "The message is not final yet (message_not_final)",
      errors.problem(
        {
          param: "",
          code: "message_not_final",
          message: "Message msg_... is queued: only a final message (delivered, read, undelivered, failed, canceled or expired) can be redacted.",
        },
        409,
      ),
    ),
  },
});

/** Not a route: the request OmniFlow sends to a message's status_callback (documented under `webhooks`). */
export const statusWebhook = {
  method: "post",
  path: "messageStatus",
  operationId: "messageStatus",
  tags: ["Messages"],
  summary: "Message status changed",
  description:
    "OmniFlow POSTs this event to the message's status_callback every time its status changes. Verify the Standard Webhooks signature with your account's webhook signing secret before trusting it.",
  security: [],
  request: {
    headers: z.object({
      "webhook-id": z.string().openapi({ description: "The event id; the same on every retry, to de-duplicate" }),
      "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed" }),
      "webhook-signature": z.string().openapi({ description: "v1,<base64 HMAC-SHA256 of {id}.{timestamp}.{body}>, space-separated while a secret is rolled" }),
    }),
    body: { required: true, content: json(WebhookEventSchema, examples.event) },
  },
  responses: { 200: { description: "Any 2xx acknowledges the event; anything else is retried later" } },
} as const satisfies RouteConfig;
