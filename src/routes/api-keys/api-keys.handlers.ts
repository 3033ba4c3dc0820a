import { toApiKeyObject } from "../../domain/api-key.ts";
import { idPattern } from "../../domain/ids.ts";
import type { Problem } from "../../domain/result.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { createApiKey, findApiKey, listApiKeys, revokeApiKey, rollApiKey } from "../../services/api-keys.ts";
import type * as routes from "./api-keys.routes.ts";

const KEY_ID = idPattern("key");

/** Another account's key, like an unknown one, is a 404. */
const failure = (problem: Problem, id: string) => (problem.code === "resource_missing" ? errors.notFound("api_key", id) : errors.problem(problem));

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const input = c.req.valid("json");
  const account = c.get("account");
  const { key, secret } = await createApiKey(c.var.control, account, input);
  return c.json({ ...toApiKeyObject(key, account.mode), secret }, 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, KEY_ID);
  const account = c.get("account");
  const page = await listApiKeys(c.var.control, account, limit, cursor);
  return c.json(
    listEnvelope(page, cursor, (key) => toApiKeyObject(key, account.mode)),
    200,
  );
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const { id } = c.req.valid("param");
  const account = c.get("account");
  const found = await findApiKey(c.var.control, account, id);
  if (!found.ok) throw failure(found.problem, id);
  return c.json(toApiKeyObject(found.value, account.mode), 200);
};

export const revoke: AppRouteHandler<typeof routes.revoke> = async (c) => {
  const { id } = c.req.valid("param");
  const account = c.get("account");
  const revoked = await revokeApiKey(c.var.control, account, id);
  if (!revoked.ok) throw failure(revoked.problem, id);
  return c.json(toApiKeyObject(revoked.value, account.mode), 200);
};

export const roll: AppRouteHandler<typeof routes.roll> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const account = c.get("account");
  const rolled = await rollApiKey(c.var.control, account, id, input);
  if (!rolled.ok) throw failure(rolled.problem, id);
  return c.json({ ...toApiKeyObject(rolled.value.key, account.mode), secret: rolled.value.secret }, 200);
};
