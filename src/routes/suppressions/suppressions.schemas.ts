import { z } from "@hono/zod-openapi";
import { idPattern } from "../../domain/ids.ts";
import { channelSchema } from "../../domain/message.ts";
import { SUPPRESSION_REASONS } from "../../domain/suppression.ts";
import { deletedSchema, listSchema, paginationQuery } from "../../http/openapi-schemas.ts";
import { recipientFilter } from "../messages/messages.schemas.ts";

const EXAMPLE_ID = "sup_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f";

export const SuppressionSchema = z
  .object({
    id: z.string().openapi({ example: EXAMPLE_ID }),
    object: z.literal("suppression"),
    channel: z.enum(["sms", "whatsapp", "email"]).openapi({ example: "sms" }),
    address: z.string().openapi({ description: "E.164 number, or a lower-cased email address", example: "+14155550123" }),
    reason: z.enum(SUPPRESSION_REASONS).openapi({
      description: "opt_out: a STOP reply or the provider's opted-out error; hard_bounce; complaint (marked as spam); manual: added through the API",
      example: "opt_out",
    }),
    source_message_id: z.string().nullable().openapi({
      description: "The message that caused it (the STOP reply, the bounced email); null for manual ones",
      example: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f",
    }),
    created_at: z.number().int().openapi({ example: 1718329481 }),
  })
  .openapi("Suppression");

export const SuppressionListSchema = listSchema(SuppressionSchema, "SuppressionList");

export const DeletedSuppressionSchema = deletedSchema("suppression", "DeletedSuppression");

export const SuppressionIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, pattern: idPattern("sup").source, example: EXAMPLE_ID }),
});

// The message list's `to` filter (E.164, or an email address), with email lower-cased as suppressions store it.
const addressFilter = recipientFilter.transform((address) => (address.includes("@") ? address.toLowerCase() : address));

const SuppressionFilters = {
  channel: channelSchema.optional().openapi({ param: { name: "channel", in: "query" }, description: "WHATSAPP, SMS or EMAIL (any case)", example: "SMS" }),
  address: addressFilter
    .optional()
    .openapi({ param: { name: "address", in: "query" }, description: "E.164 phone number or email address", example: "+14155550123" }),
  reason: z
    .enum(SUPPRESSION_REASONS)
    .optional()
    .openapi({ param: { name: "reason", in: "query" }, example: "opt_out" }),
};

export const SuppressionFiltersSchema = z.strictObject(SuppressionFilters);

export const SuppressionListQuery = z.strictObject({ ...paginationQuery, ...SuppressionFilters });
