import { z } from "@hono/zod-openapi";
import { HEADER_FORMATS } from "../../domain/media.ts";
import { TEMPLATE_ID } from "../../domain/message.ts";
import { TEMPLATE_CATEGORIES } from "../../domain/price.ts";
import { CONTENT_RETENTIONS } from "../../domain/retention.ts";
import { deletedSchema, listSchema } from "../../http/openapi-schemas.ts";
import { renderedShapes, smsSizeFields } from "../messages/preview.schemas.ts";

const SmsBodySchema = z.object({ text: z.string() }).openapi({ example: { text: "Your OmniFlow code is {{code}}" } });
const WhatsappBodySchema = z
  .object({
    name: z.string(),
    language: z.string(),
    body_params: z.array(z.string()),
    header: z
      .object({ format: z.enum(HEADER_FORMATS) })
      .optional()
      .openapi({ description: "A media header: each message sent with the template gives that file as content[media]" }),
    category: z.enum(TEMPLATE_CATEGORIES).optional().openapi({
      description:
        "The category Meta approved the template under (Meta's MARKETING, UTILITY or AUTHENTICATION; either case is taken, kept lower-case). Messages sent with the template are priced by it; without it, as marketing.",
    }),
  })
  .openapi({ example: { name: "auth_otp", language: "en_US", body_params: ["code"], category: "authentication" } });
const EmailBodySchema = z
  .object({ subject: z.string(), text: z.string().optional(), html: z.string().optional() })
  .openapi({ example: { subject: "Your code is {{code}}", html: "<p>Your code is <b>{{code}}</b></p>" } });

export const TemplateSchema = z
  .object({
    id: z.string().openapi({ example: "auth_otp" }),
    object: z.literal("template"),
    sms: SmsBodySchema.nullable(),
    whatsapp: WhatsappBodySchema.nullable(),
    email: EmailBodySchema.nullable(),
    variables: z.array(z.string()).openapi({ description: "Every variable the bodies use", example: ["code"] }),
    content_retention: z
      .enum(CONTENT_RETENTIONS)
      .openapi({ description: "The content_retention of messages sent with this template that do not give their own", example: "discard" }),
    created_at: z.number().int().openapi({ example: 1718329481 }),
    updated_at: z.number().int().openapi({ example: 1718329481 }),
  })
  .openapi("Template");

export const TemplateListSchema = listSchema(TemplateSchema, "TemplateList");

export const DeletedTemplateSchema = deletedSchema("template", "DeletedTemplate");

const SmsPreviewSchema = z.object({ text: z.string(), encoding: smsSizeFields.encoding.unwrap(), segments: smsSizeFields.segments.unwrap() });

export const TemplatePreviewSchema = z
  .object({
    id: z.string().openapi({ example: "auth_otp" }),
    object: z.literal("template_preview"),
    sms: SmsPreviewSchema.nullable(),
    whatsapp: renderedShapes.whatsapp.nullable(),
    email: renderedShapes.email.nullable(),
  })
  .openapi("TemplatePreview", { description: "Each body rendered; null for a channel the template has no body for, or that was not asked." });

export const templatePreviewExample = {
  id: "auth_otp",
  object: "template_preview",
  sms: { text: "Your verification code is 849201", encoding: "gsm7", segments: 1 },
  whatsapp: { name: "auth_otp", language: "en_US", parameters: ["849201"] },
  email: { subject: "Your verification code", text: "Your code is 849201.", html: "<p>Your code is <strong>849201</strong>.</p>" },
};

export const TemplateIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, pattern: TEMPLATE_ID.source, example: "auth_otp" }),
});
