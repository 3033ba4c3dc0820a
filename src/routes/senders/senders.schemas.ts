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
    status: z.enum(["sandbox", "pending_verification", "verified", "operator_bound"]).openapi({
      description:
        "Only sandbox (test mode), verified and operator_bound senders can send; a pending_verification one is neither usable as from nor in the default pool",
      example: "verified",
    }),
    verification: z
      .object({
        method: z.enum(["dns_txt", "code", "operator"]).openapi({
          description: "dns_txt: publish the TXT record, then verify; code: verify with the code sent by SMS; operator: only the operator can bind it",
        }),
        record_type: z.literal("TXT").nullable(),
        record_name: z.string().nullable().openapi({ example: "_omniflow-verification.example.com" }),
        record_value: z.string().nullable().openapi({ example: "omniflow-verification=3f1c0e9a6b2d4c8e9f7a1b2c3d4e5f60" }),
        attempts_remaining: z.number().int().nullable().openapi({ description: "code: checks left before a new code is needed" }),
        expires_at: z.number().int().nullable().openapi({ description: "code: when the code expires (Unix seconds)" }),
      })
      .nullable()
      .openapi({ description: "While pending_verification: how to prove the sender; null otherwise", example: null }),
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
