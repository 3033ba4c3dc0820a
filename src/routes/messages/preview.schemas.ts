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

/** A message's price (the message object's and a preview's): exact decimals, never floats. */
export const priceFields = {
  price: z.string().nullable().openapi({
    description:
      'What the message costs by the rate card, a decimal with 4 places (e.g. "0.0158"); null for an inbound message or one the card has no rate for',
    example: "0.0158",
  }),
  price_unit: z.string().nullable().openapi({ description: "The price's currency (ISO 4217)", example: "USD" }),
  price_status: z.enum(["estimated", "final"]).nullable().openapi({
    description: "estimated: from the card at create, before the hand-off; final: once the message is handed off to its provider (or ended without one)",
    example: "estimated",
  }),
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
    ...priceFields,
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
  price: "0.0079",
  price_unit: "USD",
  price_status: "estimated",
};
