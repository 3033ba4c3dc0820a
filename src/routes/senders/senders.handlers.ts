import { database } from "../../db/client.ts";
import { deleteSender, findSender, listSenders } from "../../db/senders.ts";
import { CHANNELS } from "../../domain/address.ts";
import { idPattern } from "../../domain/ids.ts";
import type { Problem } from "../../domain/result.ts";
import { toSenderObject } from "../../domain/sender.ts";
import { tellGate } from "../../gate/account-gate.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { createSender, verifySender } from "../../services/senders.ts";
import type * as routes from "./senders.routes.ts";

const SENDER_ID = idPattern("snd");

// The service's problems that are not a 400: conflicts, the sender id not
// found, and a DNS resolver that may answer on a retry.
const STATUS_OF: Record<string, 404 | 409 | 503> = {
  resource_already_exists: 409,
  sender_unavailable: 409,
  resource_missing: 404,
  verification_unavailable: 503,
};

const failure = (problem: Problem) => errors.problem(problem, STATUS_OF[problem.code] ?? 400);

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const result = await createSender(c.env, c.get("account"), c.req.valid("json"));
  if (!result.ok) throw failure(result.problem);
  return c.json(toSenderObject(result.value), 201);
};

export const verify: AppRouteHandler<typeof routes.verify> = async (c) => {
  const { id } = c.req.valid("param");
  const { code } = c.req.valid("json");
  const result = await verifySender(c.env, c.get("account"), id, code);
  if (!result.ok) throw failure(result.problem);
  // A verified sender joins what a create may use: the gate reads the channel's senders again.
  await tellGate(c.env, result.value.accountId, { senders: [result.value.channel] });
  return c.json(toSenderObject(result.value), 200);
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await findSender(database(c.env.CONTROL_DB), c.get("account").id, id);
  if (!row) throw errors.notFound("sender", id);
  return c.json(toSenderObject(row), 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const accountId = c.get("account").id;
  if (!(await deleteSender(database(c.env.CONTROL_DB), accountId, id))) throw errors.notFound("sender", id);
  await tellGate(c.env, accountId, { senders: [...CHANNELS] });
  return c.json({ id, object: "sender" as const, deleted: true as const }, 200);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, SENDER_ID);
  const page = await listSenders(database(c.env.CONTROL_DB), c.get("account").id, limit, cursor);
  return c.json(listEnvelope(page, cursor, toSenderObject), 200);
};
