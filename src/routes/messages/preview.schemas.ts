// What previews answer (POST /v1/messages/preview, POST /v1/templates/:id/preview),
// and the SMS size fields they share with the message object.
import { z } from "@hono/zod-openapi";

/** An SMS's encoding and segment count (the message object's and a preview's). */
export const smsSizeFields = {
  encoding: z
    .enum(["gsm7", "ucs2"])
    .nullable()
    .openapi({ description: "SMS: gsm7 when every character is in the GSM 03.38 alphabet, else ucs2; null on other channels", example: null }),
  segments: z.number().int().nullable().openapi({ description: "SMS: how many segments (billed parts) the text takes; null on other channels", example: null }),
};

// Content as rendered for the provider (src/domain/preview.ts toRenderedObject), per channel.
const whatsappTemplateContent = z
  .object({ name: z.string(), language: z.string(), parameters: z.array(z.string()) })
  .openapi({ description: "A WhatsApp template: its name and language, and the values that fill its {{1}}, {{2}}, ... in order" });
export const renderedShapes = {
  whatsapp: z.union([z.object({ text: z.string() }), whatsappTemplateContent]),
  email: z.object({ subject: z.string(), text: z.string().nullable(), html: z.string().nullable() }),
};

const RenderedContentSchema = z
  .union([z.object({ text: z.string() }).openapi({ description: "SMS, or a WhatsApp text message" }), whatsappTemplateContent, renderedShapes.email])
  .openapi("RenderedContent");

export const MessagePreviewSchema = z
  .object({
    object: z.literal("message_preview"),
    channel: z.enum(["sms", "whatsapp", "email"]).openapi({ example: "sms" }),
    to: z.string().openapi({ example: "+14155550123" }),
    from: z.string().openapi({ description: "The sender given, or the one the default pool picks for this recipient", example: "+15005550006" }),
    content: RenderedContentSchema,
    ...smsSizeFields,
  })
  .openapi("MessagePreview");

export const messagePreviewExample = {
  object: "message_preview",
  channel: "sms",
  to: "+14155550123",
  from: "+15005550006",
  content: { text: "Your code is 849201" },
  encoding: "gsm7",
  segments: 1,
};
