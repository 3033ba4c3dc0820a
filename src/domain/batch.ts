// A batch create (POST /v1/messages/batch): up to 1,000 create bodies, each
// checked by the single create's own schema, so every field of a create works
// in a batch and an invalid item is named by its index. strict (the default):
// one invalid item refuses the batch; permissive: the valid items are created.
import { z } from "zod";
import { type CreateMessageInput, createMessageSchema, type Message } from "./message.ts";
import { type Metadata, metadataSchema } from "./metadata.ts";
import type { Problem } from "./result.ts";

const BATCH_LIMITS = { messages: 1_000 } as const;

/** One item as the batch's schema read it: the create's input, or the first issue that refused it. */
export type BatchItem = { ok: true; input: CreateMessageInput } | { ok: false; error: z.ZodError };

const itemSchema = z
  .custom<Record<string, unknown>>((value) => typeof value === "object" && value !== null && !Array.isArray(value), "must be an object")
  .meta({ description: "A create body, exactly as POST /v1/messages takes it (every field works)", type: "object", additionalProperties: true });

/** The body of POST /v1/messages/batch; each item is parsed on its own (an invalid one is an item error, not the body's). */
export const createBatchSchema = z
  .strictObject({
    messages: z
      .array(itemSchema)
      .min(1)
      .max(BATCH_LIMITS.messages)
      .meta({ description: `1-${BATCH_LIMITS.messages} create bodies` }),
    validation: z
      .enum(["strict", "permissive"])
      .default("strict")
      .meta({ description: "strict: any invalid item refuses the whole batch (400, every item's errors by index). permissive: the valid items are created" }),
    metadata: metadataSchema
      .optional()
      .meta({ description: "Metadata every message of the batch carries, under its own (a message's own key wins; its \"\" removes the batch's)" }),
  })
  .transform((body) => ({
    validation: body.validation,
    metadata: body.metadata as Metadata | undefined,
    items: body.messages.map((raw): BatchItem => {
      const parsed = createMessageSchema.safeParse(raw);
      return parsed.success ? { ok: true, input: parsed.data } : { ok: false, error: parsed.error };
    }),
  }));

export type CreateBatchInput = z.output<typeof createBatchSchema>;

/** Why an item was not created. */
export type ItemError =
  | { kind: "invalid"; error: z.ZodError }
  | { kind: "problem"; problem: Problem }
  | { kind: "daily_limited"; channel: string; limit: number; retryAfterSeconds: number }
  | { kind: "recipient_limited"; retryAfterSeconds: number }
  | { kind: "unavailable" };

/**
 * A keyed batch's answer as stored with its row, before its messages are: the
 * message id planned for each index (null: an item error), and the item errors
 * other than an invalid body's (a retry with the key sends the same body, so
 * those come out the same). A retry after a create that died before answering
 * rebuilds the answer from it (an id whose message is not stored: unavailable).
 */
export interface StoredBatchItems {
  ids: (string | null)[];
  errors: { index: number; error: Exclude<ItemError, { kind: "invalid" }> }[];
}

export interface BatchOutcome {
  id: string;
  createdAt: number;
  /** One per index: the message as created, or null. */
  data: (Message | null)[];
  errors: { index: number; error: ItemError }[];
  /** Every item was refused, or (strict) some were: nothing was stored. */
  refused: boolean;
  /** The answer of a batch an earlier request with the same Idempotency-Key stored: nothing new was created. */
  replayed?: true;
}
