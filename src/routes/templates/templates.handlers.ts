import { database } from "../../db/client.ts";
import { deleteTemplate, findTemplate, insertTemplate, listTemplates, updateTemplate } from "../../db/templates.ts";
import { unixSeconds } from "../../domain/ids.ts";
import { TEMPLATE_ID } from "../../domain/message.ts";
import { previewTemplate } from "../../domain/preview.ts";
import { bodiesProblem, toTemplateObject } from "../../domain/template.ts";
import { tellGate } from "../../gate/account-gate.ts";
import { errors } from "../../http/errors.ts";
import { listEnvelope, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import type * as routes from "./templates.routes.ts";

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const input = c.req.valid("json");
  const now = unixSeconds();
  const row = await insertTemplate(database(c.env.CONTROL_DB), {
    accountId: c.get("account").id,
    id: input.id,
    sms: input.sms ?? null,
    whatsapp: input.whatsapp ?? null,
    email: input.email ?? null,
    contentRetention: input.content_retention ?? "retain",
    createdAt: now,
    updatedAt: now,
  });
  if (!row) throw errors.alreadyExists(`Template '${input.id}'`, "id");
  await tellGate(c.env, row.accountId, { templates: [row.id] });
  return c.json(toTemplateObject(row), 201);
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await findTemplate(database(c.env.CONTROL_DB), c.get("account").id, id);
  if (!row) throw errors.notFound("template", id);
  return c.json(toTemplateObject(row), 200);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const { content_retention: contentRetention, ...bodies } = c.req.valid("json");
  const changes = Object.fromEntries(Object.entries(bodies).filter(([, body]) => body !== undefined));
  const db = database(c.env.CONTROL_DB);
  const accountId = c.get("account").id;
  const current = await findTemplate(db, accountId, id);
  if (!current) throw errors.notFound("template", id);
  const problem = bodiesProblem({ ...current, ...changes });
  if (problem) throw errors.invalidRequest("parameter_invalid", problem);
  const row = await updateTemplate(db, accountId, id, { ...changes, ...(contentRetention ? { contentRetention } : {}) }, unixSeconds());
  // Deleted between the read and the write.
  if (!row) throw errors.notFound("template", id);
  await tellGate(c.env, accountId, { templates: [id] });
  return c.json(toTemplateObject(row), 200);
};

export const preview: AppRouteHandler<typeof routes.preview> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const row = await findTemplate(database(c.env.CONTROL_DB), c.get("account").id, id);
  if (!row) throw errors.notFound("template", id);
  const result = previewTemplate(row, input);
  if (!result.ok) throw errors.problem(result.problem);
  return c.json({ id, object: "template_preview" as const, ...result.value }, 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const accountId = c.get("account").id;
  if (!(await deleteTemplate(database(c.env.CONTROL_DB), accountId, id))) throw errors.notFound("template", id);
  await tellGate(c.env, accountId, { templates: [id] });
  return c.json({ id, object: "template" as const, deleted: true as const }, 200);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, TEMPLATE_ID);
  const page = await listTemplates(database(c.env.CONTROL_DB), c.get("account").id, limit, cursor);
  return c.json(listEnvelope(page, cursor, toTemplateObject), 200);
};
