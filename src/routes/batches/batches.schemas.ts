import { z } from "@hono/zod-openapi";
import { idPattern } from "../../domain/ids.ts";
import { STATUSES } from "../../domain/status.ts";
import { ItemErrorSchema } from "../../http/openapi-schemas.ts";
import type { MessageSchema } from "../messages/messages.schemas.ts";

const EXAMPLE_ID = "bat_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f";

const batchFields = {
  id: z.string().openapi({ example: EXAMPLE_ID }),
  object: z.literal("batch"),
  created_at: z.number().int().openapi({ description: "Unix seconds", example: 1718329481 }),
  validation: z.enum(["strict", "permissive"]),
  metadata: z.record(z.string(), z.string()).openapi({ description: "The batch-level metadata ({} when none)", example: { campaign: "shift-reminders" } }),
};

// Documented by hand: zod's nullable of a named schema becomes an allOf with
// null, which no message matches and generated clients mistype.
const messageOrNull = z
  .custom<z.output<typeof MessageSchema> | null>(() => true)
  .openapi({ type: ["object", "null"], anyOf: [{ $ref: "#/components/schemas/Message" }, { type: "null" }] });

export const BatchCreatedSchema = z
  .object({
    ...batchFields,
    data: z.array(messageOrNull).openapi({ description: "One entry per index of `messages`: the message as created, or null" }),
    errors: z.array(ItemErrorSchema).openapi({ description: "Each item not created: its index and why (param relative to the item)" }),
  })
  .openapi("BatchCreated");

export const BatchSchema = z
  .object({
    ...batchFields,
    counts: z
      .record(z.enum(STATUSES), z.number().int())
      .openapi({ description: "How many of its messages are in each status; a second or so behind the messages themselves" }),
    total: z.number().int().openapi({ description: "How many messages the batch created", example: 997 }),
  })
  .openapi("Batch");

export const BatchCancelSchema = z
  .object({
    object: z.literal("batch_cancel"),
    batch_id: z.string().openapi({ example: EXAMPLE_ID }),
    canceled: z.number().int().openapi({ description: "Messages that were scheduled and are now canceled", example: 997 }),
    not_cancelable: z.number().int().openapi({ description: "Messages that were scheduled when listed but were sent first", example: 0 }),
  })
  .openapi("BatchCancel");

export const BatchIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, description: "The batch id returned on creation", pattern: idPattern("bat").source, example: EXAMPLE_ID }),
});

export const createBatchExample = {
  validation: "permissive",
  metadata: { campaign: "shift-reminders" },
  messages: [
    { channel: "SMS", to: "+14155550123", content: { text: "Your shift starts at 9:00" }, metadata: { staff_id: "s_1" } },
    { channel: "SMS", to: "+14155550124", content: { text: "Your shift starts at 9:00" }, metadata: { staff_id: "s_2" } },
  ],
};
