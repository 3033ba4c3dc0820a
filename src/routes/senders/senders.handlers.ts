import { idPattern } from "../../domain/ids.ts";
import type { Problem } from "../../domain/result.ts";
import { toSenderObject } from "../../domain/sender.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { findAccountSender, listAccountSenders, removeSender } from "../../services/sender-pool.ts";
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
  const result = await createSender(c.env, c.var.control, c.get("account"), c.req.valid("json"));
  if (!result.ok) throw failure(result.problem);
  return c.json(toSenderObject(result.value), 201);
};

export const verify: AppRouteHandler<typeof routes.verify> = async (c) => {
  const { id } = c.req.valid("param");
  const { code } = c.req.valid("json");
  const result = await verifySender(c.env, c.var.control, c.get("account"), id, code);
  if (!result.ok) throw failure(result.problem);
  return c.json(toSenderObject(result.value), 200);
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await findAccountSender(c.var.control, c.get("account"), id);
  if (!result.ok) throw failure(result.problem);
  return c.json(toSenderObject(result.value), 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await removeSender(c.var.control, c.get("account"), id);
  if (!result.ok) throw failure(result.problem);
  return c.json({ id, object: "sender" as const, deleted: true as const }, 200);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, SENDER_ID);
  const page = await listAccountSenders(c.var.control, c.get("account"), limit, cursor);
  return c.json(listEnvelope(page, cursor, toSenderObject), 200);
};
