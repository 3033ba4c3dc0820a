import type { ItemError } from "../../domain/batch.ts";
import { idPattern } from "../../domain/ids.ts";
import { toMessageObject } from "../../domain/message.ts";
import { type ErrorDetail, errors, validationError } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { createBatch } from "../../services/batch.ts";
import { cancelBatch, findAccountBatch } from "../../services/batch-reads.ts";
import type * as routes from "./batches.routes.ts";

const BATCH_ID = idPattern("bat");

/** An item's error as the API shows it: the error object the single create would have answered. */
function itemError(error: ItemError): ErrorDetail {
  switch (error.kind) {
    case "invalid":
      return validationError(error.error).detail();
    case "problem":
      return errors.problem(error.problem).detail();
    case "daily_limited":
      return errors.dailyLimitExceeded(error.channel, error.limit, error.retryAfterSeconds).detail();
    case "recipient_limited":
      return errors.recipientRateLimited(error.retryAfterSeconds).detail();
    case "unavailable":
      return { type: "api_error", code: "storage_unavailable", message: "This message could not be stored, so nothing was created for it; send it again." };
  }
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const input = c.req.valid("json");
  const outcome = await createBatch(c.env, c.var.control, c.get("account"), input, c.get("batchItems"), c.get("reservedId"));
  const itemErrors = outcome.errors.map(({ index, error }) => ({ index, error: itemError(error) }));
  if (outcome.refused) throw errors.batchRefused(itemErrors, input.items.length);
  // A batch an earlier request with the key stored: this one created nothing (its items' limits are given back).
  if (outcome.replayed) c.header("Idempotent-Replayed", "true");
  else c.set("createdItems", new Set(outcome.data.flatMap((message, index) => (message ? [index] : []))));
  const answer = {
    id: outcome.id,
    object: "batch" as const,
    created_at: outcome.createdAt,
    validation: input.validation,
    metadata: input.metadata ?? {},
    data: outcome.data.map((message) => message && toMessageObject(message)),
    errors: itemErrors,
  };
  return c.json(answer, 201);
};

function batchId(id: string): string {
  if (!BATCH_ID.test(id)) throw errors.notFound("batch", id);
  return id;
}

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const id = batchId(c.req.valid("param").id);
  const batch = await findAccountBatch(c.env, c.var.control, c.get("account"), id);
  if (!batch) throw errors.notFound("batch", id);
  const answer = {
    id: batch.id,
    object: "batch" as const,
    created_at: batch.createdAt,
    validation: batch.validation,
    metadata: batch.metadata ?? {},
    counts: batch.counts,
    total: batch.total,
  };
  return c.json(answer, 200);
};

export const cancel: AppRouteHandler<typeof routes.cancel> = async (c) => {
  const id = batchId(c.req.valid("param").id);
  const result = await cancelBatch(c.env, c.var.control, c.get("account"), id);
  if (!result) throw errors.notFound("batch", id);
  return c.json({ object: "batch_cancel" as const, batch_id: id, canceled: result.canceled, not_cancelable: result.notCancelable }, 200);
};
