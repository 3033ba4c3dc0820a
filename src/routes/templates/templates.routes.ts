import { createRoute, z } from "@hono/zod-openapi";
import { templatePreviewSchema } from "../../domain/preview.ts";
import { createTemplateSchema, updateTemplateSchema } from "../../domain/template.ts";
import { apiKey } from "../../http/auth.ts";
import { bodyErrors, commonErrors, conflictError, notFoundError, paginationQuery } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import {
  DeletedTemplateSchema,
  TemplateIdParams,
  TemplateListSchema,
  TemplatePreviewSchema,
  TemplateSchema,
  templatePreviewExample,
} from "./templates.schemas.ts";

const authOtp = {
  id: "auth_otp",
  sms: { text: "Your verification code is {{code}}" },
  whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"], category: "authentication" },
  email: { subject: "Your verification code", text: "Your code is {{code}}.", html: "<p>Your code is <strong>{{code}}</strong>.</p>" },
};

const templateResponse = (description: string) => ({ content: { "application/json": { schema: TemplateSchema } }, description });

export const create = createRoute({
  operationId: "createTemplate",
  method: "post",
  path: "/v1/templates",
  tags: ["Templates"],
  summary: "Create a template",
  request: { body: jsonOrForm(createTemplateSchema, authOtp) },
  middleware: apiKey(),
  responses: { 201: templateResponse("The template"), ...commonErrors, ...bodyErrors, ...conflictError },
});

export const retrieve = createRoute({
  operationId: "retrieveTemplate",
  method: "get",
  path: "/v1/templates/{id}",
  tags: ["Templates"],
  summary: "Retrieve a template",
  request: { params: TemplateIdParams },
  middleware: apiKey(),
  responses: { 200: templateResponse("The template"), ...commonErrors, ...notFoundError },
});

export const update = createRoute({
  operationId: "updateTemplate",
  method: "post",
  path: "/v1/templates/{id}",
  tags: ["Templates"],
  summary: "Update a template",
  description:
    "Each body given replaces that channel's body; null (or an empty string in a form body) removes it. Messages already sent keep the content they were rendered with.",
  request: { params: TemplateIdParams, body: jsonOrForm(updateTemplateSchema, { sms: { text: "Your OmniFlow code: {{code}}" } }) },
  middleware: apiKey(),
  responses: { 200: templateResponse("The updated template"), ...commonErrors, ...bodyErrors, ...notFoundError },
});

export const preview = createRoute({
  operationId: "previewTemplate",
  method: "post",
  path: "/v1/templates/{id}/preview",
  tags: ["Templates"],
  summary: "Preview a template",
  description:
    "Renders the template's bodies with these variables, as a create would render them (the same missing and unknown variable errors, named variables[...]), with the SMS text's encoding and segment count. Stores and sends nothing.",
  request: { params: TemplateIdParams, body: jsonOrForm(templatePreviewSchema, { variables: { code: "849201" } }) },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: TemplatePreviewSchema, example: templatePreviewExample } }, description: "The rendered bodies" },
    ...commonErrors,
    ...bodyErrors,
    ...notFoundError,
  },
});

export const remove = createRoute({
  operationId: "deleteTemplate",
  method: "delete",
  path: "/v1/templates/{id}",
  tags: ["Templates"],
  summary: "Delete a template",
  request: { params: TemplateIdParams },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: DeletedTemplateSchema } }, description: "The template is deleted" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const list = createRoute({
  operationId: "listTemplates",
  method: "get",
  path: "/v1/templates",
  tags: ["Templates"],
  summary: "List all templates",
  request: { query: z.strictObject(paginationQuery) },
  middleware: apiKey(),
  responses: {
    200: { content: { "application/json": { schema: TemplateListSchema } }, description: "A page of templates, in order of id" },
    ...commonErrors,
  },
});
