import type { z } from "zod";
import type { MessageFilters } from "../../db/messages.ts";
import type { Account } from "../../domain/account.ts";
import { idPattern } from "../../domain/ids.ts";
import { toMessageObject } from "../../domain/message.ts";
import { metadataFilter } from "../../domain/metadata.ts";
import { toMessagePreviewObject } from "../../domain/preview.ts";
import type { Problem } from "../../domain/result.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, pageFilters, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { cancelMessage } from "../../services/cancel.ts";
import { messageEvents, retryWebhooks } from "../../services/events.ts";
import { MEDIA_TOO_LARGE } from "../../services/media.ts";
import { findAccountMessage, listAccountMessages } from "../../services/message-reads.ts";
import { createMessage, prepareMessage } from "../../services/messages.ts";
import { redactMessage } from "../../services/retention.ts";
import type * as routes from "./messages.routes.ts";
import { MessageFiltersSchema } from "./messages.schemas.ts";

const MESSAGE_ID = idPattern("msg");

/** A create's (or preview's) problem as its answer: files past the size limit are a 413, naming the file. */
const createStatus = (problem: Problem) => (problem.code === MEDIA_TOO_LARGE ? 413 : 400);

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  // The reads came back with the key check (src/http/auth.ts) when the gate had them.
  const result = await createMessage(c.env, c.var.control, c.get("account"), c.req.valid("json"), {
    reads: c.get("prepared"),
    id: c.get("reservedId"),
    apiKeyId: c.get("apiKeyId"),
  });
  if (!result.ok)
    throw result.problem.code === "spend_limit_reached"
      ? errors.spendLimitReached(result.problem.message)
      : errors.problem(result.problem, createStatus(result.problem));
  return c.json(toMessageObject(result.value), 201);
};

export const preview: AppRouteHandler<typeof routes.preview> = async (c) => {
  const result = await prepareMessage(c.env, c.var.control, c.get("account"), c.req.valid("json"), c.get("prepared"));
  if (!result.ok) throw errors.problem(result.problem, createStatus(result.problem));
  return c.json(toMessagePreviewObject(result.value), 200);
};

async function ownMessage(env: Env, account: Account, id: string) {
  const row = await findAccountMessage(env, account, id);
  if (!row) throw errors.notFound("message", id);
  return row;
}

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const row = await ownMessage(c.env, c.get("account"), c.req.valid("param").id);
  return c.json(toMessageObject(row), 200);
};

export const listEvents: AppRouteHandler<typeof routes.listEvents> = async (c) => {
  const row = await ownMessage(c.env, c.get("account"), c.req.valid("param").id);
  return c.json({ object: "list" as const, data: await messageEvents(c.env, row) }, 200);
};

export const retryWebhook: AppRouteHandler<typeof routes.retryWebhook> = async (c) => {
  const row = await ownMessage(c.env, c.get("account"), c.req.valid("param").id);
  const result = await retryWebhooks(c.env, row, "api");
  if (!result.ok) throw errors.problem(result.problem);
  return c.json({ object: "webhook_retry" as const, message_id: row.id, events_requeued: result.value }, 200);
};

export const cancel: AppRouteHandler<typeof routes.cancel> = async (c) => {
  const row = await ownMessage(c.env, c.get("account"), c.req.valid("param").id);
  const result = await cancelMessage(c.env, row);
  if (!result.ok) throw errors.problem(result.problem, 409);
  return c.json(result.value, 200);
};

export const redact: AppRouteHandler<typeof routes.redact> = async (c) => {
  const row = await ownMessage(c.env, c.get("account"), c.req.valid("param").id);
  const result = await redactMessage(c.env, c.get("account"), row);
  if (!result.ok) throw errors.problem(result.problem, 409);
  return c.json(toMessageObject(result.value), 200);
};

function toMessageFilters(filters: z.output<typeof MessageFiltersSchema>): MessageFilters {
  const seconds = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  // The schema checked the metadata[<key>] params.
  const metadata = metadataFilter(filters as Record<string, string | undefined>);
  return {
    batchId: filters.batch_id,
    metadata: "filter" in metadata ? metadata.filter : undefined,
    status: filters.status,
    direction: filters.direction,
    channel: filters.channel,
    to: filters.to,
    createdGte: seconds(filters["created[gte]"]),
    createdLte: seconds(filters["created[lte]"]),
  };
}

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor, ...requested } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, MESSAGE_ID);
  const filters = pageFilters(cursor, requested, MessageFiltersSchema);
  const page = await listAccountMessages(c.env, c.get("account"), toMessageFilters(filters), limit, cursor);
  return c.json(listEnvelope(page, cursor, toMessageObject, filters), 200);
};
