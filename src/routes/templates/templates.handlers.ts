import type { RouteHandler } from "@hono/zod-openapi";
import { database } from "../../db/client.ts";
import { deleteTemplate as deleteRow, findTemplate, insertTemplate, listTemplates as listRows, updateTemplate as updateRow } from "../../db/templates.ts";
import { unixSeconds } from "../../domain/ids.ts";
import { TEMPLATE_ID } from "../../domain/message.ts";
import { bodiesProblem, createTemplateSchema, toTemplateObject, updateTemplateSchema } from "../../domain/template.ts";
import { validBody } from "../../http/body.ts";
import type { AppEnv } from "../../http/context.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, requestedCursor } from "../../http/pagination.ts";
import type { createTemplate, deleteTemplate, listTemplates, retrieveTemplate, updateTemplate } from "./templates.routes.ts";

export const createHandler: RouteHandler<typeof createTemplate, AppEnv> = async (c) => {
  const input = await validBody(c.req.raw, createTemplateSchema);
  const now = unixSeconds();
  const row = await insertTemplate(database(c.env.DB), {
    accountId: c.get("account").id,
    id: input.id,
    sms: input.sms ?? null,
    whatsapp: input.whatsapp ?? null,
    email: input.email ?? null,
    createdAt: now,
    updatedAt: now,
  });
  if (!row) throw errors.alreadyExists(`Template '${input.id}'`, "id");
  return c.json(toTemplateObject(row), 201);
};

export const retrieveHandler: RouteHandler<typeof retrieveTemplate, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await findTemplate(database(c.env.DB), c.get("account").id, id);
  if (!row) throw errors.notFound("template", id);
  return c.json(toTemplateObject(row), 200);
};

export const updateHandler: RouteHandler<typeof updateTemplate, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const input = await validBody(c.req.raw, updateTemplateSchema);
  const changes = Object.fromEntries(Object.entries(input).filter(([, body]) => body !== undefined));
  const db = database(c.env.DB);
  const accountId = c.get("account").id;
  const current = await findTemplate(db, accountId, id);
  if (!current) throw errors.notFound("template", id);
  const problem = bodiesProblem({ ...current, ...changes });
  if (problem) throw errors.invalidRequest("parameter_invalid", problem);
  const row = await updateRow(db, accountId, id, changes, unixSeconds());
  // Deleted between the read and the write.
  if (!row) throw errors.notFound("template", id);
  return c.json(toTemplateObject(row), 200);
};

export const deleteHandler: RouteHandler<typeof deleteTemplate, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await deleteRow(database(c.env.DB), c.get("account").id, id))) throw errors.notFound("template", id);
  return c.json({ id, object: "template" as const, deleted: true as const }, 200);
};

export const listHandler: RouteHandler<typeof listTemplates, AppEnv> = async (c) => {
  const { limit, cursor: rawCursor } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, TEMPLATE_ID);
  const page = await listRows(database(c.env.DB), c.get("account").id, limit, cursor);
  return c.json(listEnvelope(page, cursor, toTemplateObject), 200);
};
