import { z } from "@hono/zod-openapi";
import { idPattern } from "../../domain/ids.ts";
import { deletedSchema, listSchema } from "../../http/openapi-schemas.ts";

export const SenderSchema = z
  .object({
    id: z.string().openapi({ example: "snd_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
    object: z.literal("sender"),
    channel: z.enum(["sms", "whatsapp", "email"]).openapi({ example: "whatsapp" }),
    address: z.string().openapi({
      description: "E.164 number or alphanumeric sender id (sms, whatsapp), or email address",
      example: "+14155550100",
    }),
    phone_number_id: z.string().nullable().openapi({ description: "WhatsApp: Meta's id of the sending number", example: "106540352242922" }),
    name: z.string().nullable().openapi({ description: "Email: the display name", example: null }),
    default: z.boolean().openapi({ description: "In the channel's default pool, used when a message omits from" }),
    created_at: z.number().int().openapi({ example: 1718329481 }),
  })
  .openapi("Sender");

export const SenderListSchema = listSchema(SenderSchema, "SenderList");

export const DeletedSenderSchema = deletedSchema("sender", "DeletedSender");

export const SenderIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, pattern: idPattern("snd").source, example: "snd_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
});
