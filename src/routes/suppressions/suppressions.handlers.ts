import type { z } from "zod";
import { idPattern } from "../../domain/ids.ts";
import { toSuppressionObject } from "../../domain/suppression.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, pageFilters, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { createSuppression, findAccountSuppression, listAccountSuppressions, removeSuppression } from "../../services/suppressions.ts";
import type * as routes from "./suppressions.routes.ts";
import { SuppressionFiltersSchema } from "./suppressions.schemas.ts";

const SUPPRESSION_ID = idPattern("sup");

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const result = await createSuppression(c.env, c.var.control, c.get("account"), c.req.valid("json"));
  if (!result.ok) throw errors.problem(result.problem);
  const { suppression, created } = result.value;
  return c.json(toSuppressionObject(suppression), created ? 201 : 200);
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await findAccountSuppression(c.var.control, c.get("account"), id);
  if (!result.ok) throw errors.notFound("suppression", id);
  return c.json(toSuppressionObject(result.value), 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await removeSuppression(c.env, c.var.control, c.get("account"), id);
  if (!result.ok) throw errors.notFound("suppression", id);
  return c.json({ id, object: "suppression" as const, deleted: true as const }, 200);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor, ...requested } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, SUPPRESSION_ID);
  const filters: z.output<typeof SuppressionFiltersSchema> = pageFilters(cursor, requested, SuppressionFiltersSchema);
  const page = await listAccountSuppressions(c.var.control, c.get("account"), filters, limit, cursor);
  return c.json(listEnvelope(page, cursor, toSuppressionObject, filters), 200);
};
