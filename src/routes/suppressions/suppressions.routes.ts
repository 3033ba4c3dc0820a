import { createRoute } from "@hono/zod-openapi";
import { createSuppressionSchema } from "../../domain/suppression.ts";
import { apiKey } from "../../http/auth.ts";
import { bodyErrors, commonErrors, notFoundError } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { DeletedSuppressionSchema, SuppressionIdParams, SuppressionListQuery, SuppressionListSchema, SuppressionSchema } from "./suppressions.schemas.ts";

const json = { "application/json": { schema: SuppressionSchema } };

export const create = createRoute({
  operationId: "createSuppression",
  method: "post",
  path: "/v1/suppressions",
  tags: ["Suppressions"],
  summary: "Suppress a recipient",
  description:
    "From now on a message to this recipient on this channel is refused (400 `recipient_suppressed`, param `to`) before anything is stored. The address is normalized as a message's `to` is (E.164; email lower-cased). A recipient already suppressed is answered with its existing suppression, unchanged, and a 200 instead of a 201.",
  request: { body: jsonOrForm(createSuppressionSchema, { channel: "sms", address: "+14155550123", reason: "manual" }) },
  middleware: apiKey(),
  responses: {
    201: { content: json, description: "The new suppression" },
    200: { content: json, description: "The recipient was already suppressed: its suppression, as it was" },
    ...commonErrors,
    ...bodyErrors,
  },
});

export const list = createRoute({
  operationId: "listSuppressions",
  method: "get",
  path: "/v1/suppressions",
  tags: ["Suppressions"],
  summary: "List suppressions",
  description: "Newest first, with cursor pagination. Filters combine; a cursor remembers the filters of its list.",
  request: { query: SuppressionListQuery },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: SuppressionListSchema } }, description: "A page of suppressions, newest first" },
    ...commonErrors,
  },
});

export const retrieve = createRoute({
  operationId: "retrieveSuppression",
  method: "get",
  path: "/v1/suppressions/{id}",
  tags: ["Suppressions"],
  summary: "Retrieve a suppression",
  request: { params: SuppressionIdParams },
  middleware: apiKey(),
  responses: {
    200: { content: json, description: "The suppression" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const remove = createRoute({
  operationId: "deleteSuppression",
  method: "delete",
  path: "/v1/suppressions/{id}",
  tags: ["Suppressions"],
  summary: "Delete a suppression",
  description: "The recipient can be messaged again at once. Only do it when they asked to hear from you again.",
  request: { params: SuppressionIdParams },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: DeletedSuppressionSchema } }, description: "The suppression is deleted" },
    ...commonErrors,
    ...notFoundError,
  },
});
