import { createRoute, z } from "@hono/zod-openapi";
import { createSenderSchema, verifySenderSchema } from "../../domain/sender.ts";
import { apiKey } from "../../http/auth.ts";
import { errors } from "../../http/errors.ts";
import { bodyErrors, commonErrors, conflictError, errorResponse, notFoundError, paginationQuery } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { DeletedSenderSchema, SenderIdParams, SenderListSchema, SenderSchema } from "./senders.schemas.ts";

export const create = createRoute({
  operationId: "createSender",
  method: "post",
  path: "/v1/senders",
  tags: ["Senders"],
  summary: "Add a sender",
  description:
    "Test mode: a sandbox sender, usable at once. Live mode: a sender pending verification, with what proves it in `verification`: a DNS TXT record for an email domain, a code sent by SMS to a number, or the operator's approval (alphanumeric sender ids). A 409 `sender_unavailable` when another account holds the address or phone_number_id.",
  request: { body: jsonOrForm(createSenderSchema, { channel: "sms", address: "+14155550100", default: true }) },
  middleware: apiKey(),
  responses: {
    201: { content: { "application/json": { schema: SenderSchema } }, description: "The sender" },
    ...commonErrors,
    ...bodyErrors,
    ...conflictError,
  },
});

export const verify = createRoute({
  operationId: "verifySender",
  method: "post",
  path: "/v1/senders/{id}/verify",
  tags: ["Senders"],
  summary: "Verify a sender",
  description:
    "Completes a live sender's verification: for an email sender, OmniFlow reads its domain's TXT record (no body needed); for a number, give the `code` sent to it. A sender already verified is returned as it is.",
  request: { params: SenderIdParams, body: jsonOrForm(verifySenderSchema, { code: "849201" }, { required: false }) },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: SenderSchema } }, description: "The sender, verified" },
    ...commonErrors,
    ...bodyErrors,
    ...notFoundError,
    409: errorResponse(
      "Another account proved this address (or phone_number_id) first",
      errors.problem({ param: "address", code: "sender_unavailable", message: "This address is already bound to another account." }, 409),
    ),
    503: {
      ...errorResponse(
        "The DNS resolver could not be asked (verification_unavailable); nothing changed, retry after Retry-After",
        errors.problem({ param: "", code: "verification_unavailable", message: "Could not read the TXT record: the DNS resolver could not be reached." }, 503),
      ),
      headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } },
    },
  },
});

export const retrieve = createRoute({
  operationId: "retrieveSender",
  method: "get",
  path: "/v1/senders/{id}",
  tags: ["Senders"],
  summary: "Retrieve a sender",
  request: { params: SenderIdParams },
  middleware: apiKey(),
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
  middleware: apiKey(),
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
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: SenderListSchema } }, description: "A page of senders, newest first" },
    ...commonErrors,
  },
});
