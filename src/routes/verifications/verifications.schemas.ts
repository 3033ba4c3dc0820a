import { z } from "@hono/zod-openapi";
import { idPattern } from "../../domain/ids.ts";
import { channelSchema } from "../../domain/message.ts";
import { STATUSES } from "../../domain/status.ts";
import { VERIFICATION_STATUSES } from "../../domain/verification.ts";
import { LOCALES } from "../../domain/verification-text.ts";
import { listSchema, paginationQuery } from "../../http/openapi-schemas.ts";
import { recipientFilter } from "../messages/messages.schemas.ts";

const EXAMPLE_ID = "vrf_019ec8f3a1b27c3d8e9f0a1b2c3d0000";
const CHANNELS = z.enum(["sms", "whatsapp", "email"]);

const verificationFields = {
  id: z.string().openapi({ example: EXAMPLE_ID }),
  object: z.literal("verification"),
  to: z.string().openapi({ example: "+15005550004" }),
  status: z.enum(VERIFICATION_STATUSES),
  channel: CHANNELS.openapi({ description: "The channel tried last" }),
  channels: z.array(CHANNELS).openapi({ description: "The channels to try, in order" }),
  attempts: z
    .array(z.object({ channel: CHANNELS, message_id: z.string(), status: z.enum(STATUSES) }))
    .openapi({ description: "Each channel tried: the message that carried the code (its content is never shown) and its status there" }),
  code_length: z.number().int(),
  locale: z.enum(LOCALES),
  check_attempts_remaining: z.number().int(),
  status_callback: z.string().nullable(),
  metadata: z.record(z.string(), z.string()).openapi({ description: "Your own keys, also on each of its messages" }),
  created_at: z.number().int().openapi({ description: "Unix seconds" }),
  expires_at: z.number().int().openapi({ description: "Unix seconds: the code's end; the verification then ends expired" }),
  updated_at: z.number().int().openapi({ description: "Unix seconds" }),
};

export const VerificationSchema = z.object(verificationFields).openapi("Verification");

export const VerificationCheckSchema = z
  .object({ ...verificationFields, valid: z.boolean().openapi({ description: "Whether the code was the verification's" }) })
  .openapi("VerificationCheck");

export const VerificationListSchema = listSchema(VerificationSchema, "VerificationList");

export const VerificationIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, description: "The verification id", pattern: idPattern("vrf").source, example: EXAMPLE_ID }),
});

const CODE = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .pipe(z.string().regex(/^[0-9]{4,10}$/, "must be the 4-10 digits that were sent"));

export const checkSchema = z.strictObject({ code: CODE.meta({ description: "The code the user entered." }) });

export const checkByRecipientSchema = z.strictObject({
  to: z.string().min(1).max(320).meta({ description: "The recipient the code was sent to." }),
  code: CODE.meta({ description: "The code the user entered." }),
});

export const resendSchema = z.strictObject({
  channel: channelSchema.optional().meta({ description: "One of the verification's channels; by default the one tried last." }),
});

const VerificationFilters = {
  status: z
    .enum(VERIFICATION_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query" }, example: "pending" }),
  to: recipientFilter
    .optional()
    .openapi({ param: { name: "to", in: "query" }, description: "Recipient: E.164 phone number or email address", example: "+15005550004" }),
};

export const VerificationFiltersSchema = z.strictObject(VerificationFilters);

export const VerificationListQuery = z.strictObject({ ...paginationQuery, ...VerificationFilters });

export const CodeSchema = z.object({ object: z.literal("verification_code"), verification_id: z.string(), code: z.string() }).openapi("VerificationCode");

const exampleVerification = {
  id: EXAMPLE_ID,
  object: "verification",
  to: "+15005550004",
  status: "pending",
  channel: "whatsapp",
  channels: ["whatsapp", "sms"],
  attempts: [{ channel: "whatsapp", message_id: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d0000", status: "queued" }],
  code_length: 6,
  locale: "en",
  check_attempts_remaining: 5,
  status_callback: "https://your-app.com/webhooks/verify",
  metadata: { user_id: "u_123" },
  created_at: 1718329481,
  expires_at: 1718330081,
  updated_at: 1718329481,
};

export const examples = {
  createRequest: { to: "+15005550004", channels: ["WHATSAPP", "SMS"], app_name: "Acme", status_callback: "https://your-app.com/webhooks/verify" },
  created: exampleVerification,
  approved: { ...exampleVerification, status: "approved", valid: true },
  list: { object: "list", data: [exampleVerification], next_cursor: null, prev_cursor: null, has_more: false },
};
