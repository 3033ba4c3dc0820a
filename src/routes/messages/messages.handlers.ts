import type { RouteHandler } from "@hono/zod-openapi";
import type { z } from "zod";
import { database } from "../../db/client.ts";
import { findMessage, listMessages as listMessageRows, type MessageFilters } from "../../db/messages.ts";
import { idPattern } from "../../domain/ids.ts";
import { createMessageSchema, toMessageObject } from "../../domain/message.ts";
import { validBody } from "../../http/body.ts";
import type { AppEnv } from "../../http/context.ts";
import { errors } from "../../http/errors.ts";
import { claimedMessageId } from "../../http/idempotency.ts";
import { listEnvelope, pageFilters, requestedCursor } from "../../http/pagination.ts";
import { createMessage as create } from "../../services/messages.ts";
import { messageEvents } from "../../services/events.ts";
import type { createMessage, listMessageEvents, listMessages, retrieveMessage } from "./messages.routes.ts";
import { MessageFiltersSchema } from "./messages.schemas.ts";

const MESSAGE_ID = idPattern("msg");

export const createHandler: RouteHandler<typeof createMessage, AppEnv> = async (c) => {
  const input = await validBody(c.req.raw, createMessageSchema);
  const row = await create(c.env, c.get("account"), input, { reads: c.get("createReads"), id: claimedMessageId(c) });
  return c.json(toMessageObject(row), 201);
};

async function ownMessage(env: Env, accountId: string, id: string) {
  const row = await findMessage(database(env.DB), accountId, id);
  if (!row) throw errors.notFound("message", id);
  return row;
}

export const retrieveHandler: RouteHandler<typeof retrieveMessage, AppEnv> = async (c) => {
  const row = await ownMessage(c.env, c.get("account").id, c.req.valid("param").id);
  return c.json(toMessageObject(row), 200);
};

export const eventsHandler: RouteHandler<typeof listMessageEvents, AppEnv> = async (c) => {
  const row = await ownMessage(c.env, c.get("account").id, c.req.valid("param").id);
  return c.json({ object: "list" as const, data: await messageEvents(c.env, row) }, 200);
};

function toMessageFilters(filters: z.output<typeof MessageFiltersSchema>): MessageFilters {
  const seconds = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return {
    status: filters.status,
    channel: filters.channel,
    to: filters.to,
    createdGte: seconds(filters["created[gte]"]),
    createdLte: seconds(filters["created[lte]"]),
  };
}

export const listHandler: RouteHandler<typeof listMessages, AppEnv> = async (c) => {
  const { limit, cursor: rawCursor, ...requested } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, MESSAGE_ID);
  const filters = pageFilters(cursor, requested, MessageFiltersSchema);
  const page = await listMessageRows(database(c.env.DB), c.get("account").id, toMessageFilters(filters), limit, cursor);
  return c.json(listEnvelope(page, cursor, toMessageObject, filters), 200);
};
