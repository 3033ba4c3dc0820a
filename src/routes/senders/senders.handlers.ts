import { database } from "../../db/client.ts";
import { deleteSender, findSender, insertSender, listSenders } from "../../db/senders.ts";
import { CHANNELS } from "../../domain/address.ts";
import { idPattern, newId, unixSeconds } from "../../domain/ids.ts";
import { createSenderSchema, senderModeProblem, toSenderObject } from "../../domain/sender.ts";
import { tellGate } from "../../gate/account-gate.ts";
import { validBody } from "../../http/body.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import type * as routes from "./senders.routes.ts";

const SENDER_ID = idPattern("snd");

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const input = await validBody(c, createSenderSchema);
  const account = c.get("account");
  const problem = senderModeProblem(input, account.mode);
  if (problem) throw errors.invalidParam(problem.param, problem.message);
  const row = await insertSender(database(c.env.DB), { id: newId("snd"), accountId: account.id, ...input, createdAt: unixSeconds() });
  if (!row) throw errors.alreadyExists(`The ${input.channel} sender '${input.address}'`, "address");
  await tellGate(c.env, account.id, { senders: [row.channel] });
  return c.json(toSenderObject(row), 201);
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await findSender(database(c.env.DB), c.get("account").id, id);
  if (!row) throw errors.notFound("sender", id);
  return c.json(toSenderObject(row), 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const accountId = c.get("account").id;
  if (!(await deleteSender(database(c.env.DB), accountId, id))) throw errors.notFound("sender", id);
  await tellGate(c.env, accountId, { senders: [...CHANNELS] });
  return c.json({ id, object: "sender" as const, deleted: true as const }, 200);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, SENDER_ID);
  const page = await listSenders(database(c.env.DB), c.get("account").id, limit, cursor);
  return c.json(listEnvelope(page, cursor, toSenderObject), 200);
};
