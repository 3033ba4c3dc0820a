import { TEMPLATE_ID } from "../../domain/message.ts";
import { previewTemplate } from "../../domain/preview.ts";
import type { Problem } from "../../domain/result.ts";
import { toTemplateObject } from "../../domain/template.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { createTemplate, editTemplate, findAccountTemplate, listAccountTemplates, removeTemplate } from "../../services/templates.ts";
import type * as routes from "./templates.routes.ts";

// The service's problems that are not a 400: the id taken, the template not found.
const STATUS_OF: Record<string, 404 | 409> = { resource_already_exists: 409, resource_missing: 404 };

const failure = (problem: Problem) => errors.problem(problem, STATUS_OF[problem.code] ?? 400);

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const input = c.req.valid("json");
  const result = await createTemplate(c.var.control, c.get("account"), input);
  if (!result.ok) throw failure(result.problem);
  return c.json(toTemplateObject(result.value), 201);
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await findAccountTemplate(c.var.control, c.get("account"), id);
  if (!result.ok) throw failure(result.problem);
  return c.json(toTemplateObject(result.value), 200);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const { content_retention: contentRetention, ...bodies } = c.req.valid("json");
  const changes = Object.fromEntries(Object.entries(bodies).filter(([, body]) => body !== undefined));
  const result = await editTemplate(c.var.control, c.get("account"), id, { ...changes, ...(contentRetention ? { contentRetention } : {}) });
  if (!result.ok) throw failure(result.problem);
  return c.json(toTemplateObject(result.value), 200);
};

export const preview: AppRouteHandler<typeof routes.preview> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const found = await findAccountTemplate(c.var.control, c.get("account"), id);
  if (!found.ok) throw failure(found.problem);
  const result = previewTemplate(found.value, input);
  if (!result.ok) throw errors.problem(result.problem);
  return c.json({ id, object: "template_preview" as const, ...result.value }, 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const result = await removeTemplate(c.var.control, c.get("account"), id);
  if (!result.ok) throw failure(result.problem);
  return c.json({ id, object: "template" as const, deleted: true as const }, 200);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, TEMPLATE_ID);
  const page = await listAccountTemplates(c.var.control, c.get("account"), limit, cursor);
  return c.json(listEnvelope(page, cursor, toTemplateObject), 200);
};
