import { createRoute, z } from "@hono/zod-openapi";
import { createTemplateSchema, updateTemplateSchema } from "../../domain/template.ts";
import { commonErrors, conflictError, notFoundError, paginationQuery, requestBody } from "../../http/openapi-schemas.ts";
import { DeletedTemplateSchema, TemplateIdParams, TemplateListSchema, TemplateSchema } from "./templates.schemas.ts";

const templateResponse = (description: string) => ({ content: { "application/json": { schema: TemplateSchema } }, description });

export const createTemplate = createRoute({
  method: "post",
  path: "/v1/templates",
  tags: ["Templates"],
  summary: "Create a template",
  request: { body: requestBody(createTemplateSchema) },
  responses: { 201: templateResponse("The template"), ...commonErrors, ...conflictError },
});

export const retrieveTemplate = createRoute({
  method: "get",
  path: "/v1/templates/{id}",
  tags: ["Templates"],
  summary: "Retrieve a template",
  request: { params: TemplateIdParams },
  responses: { 200: templateResponse("The template"), ...commonErrors, ...notFoundError },
});

export const updateTemplate = createRoute({
  method: "post",
  path: "/v1/templates/{id}",
  tags: ["Templates"],
  summary: "Update a template",
  description: "Each body given replaces that channel's body; null (or an empty string in a form body) removes it. Messages already sent keep the content they were rendered with.",
  request: { params: TemplateIdParams, body: requestBody(updateTemplateSchema) },
  responses: { 200: templateResponse("The updated template"), ...commonErrors, ...notFoundError },
});

export const deleteTemplate = createRoute({
  method: "delete",
  path: "/v1/templates/{id}",
  tags: ["Templates"],
  summary: "Delete a template",
  request: { params: TemplateIdParams },
  responses: {
    200: { content: { "application/json": { schema: DeletedTemplateSchema } }, description: "The template is deleted" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const listTemplates = createRoute({
  method: "get",
  path: "/v1/templates",
  tags: ["Templates"],
  summary: "List all templates",
  request: { query: z.strictObject(paginationQuery) },
  responses: {
    200: { content: { "application/json": { schema: TemplateListSchema } }, description: "A page of templates, in order of id" },
    ...commonErrors,
  },
});
