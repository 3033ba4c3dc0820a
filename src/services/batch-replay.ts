// A retry of a batch create with its Idempotency-Key, after the request that
// first held the key died between storing the batch and storing its answer
// (the claim was taken over as abandoned, keeping the batch id it reserved):
// the answer is rebuilt from the batch's row and its messages as they are now,
// and nothing is created. A message the row planned but no database holds (its
// insert failed, or the request died before it) is an item error, as it was.
import { batchMessages, type KeyedBatchRow } from "../db/batches.ts";
import type { Account } from "../domain/account.ts";
import type { BatchOutcome, CreateBatchInput } from "../domain/batch.ts";
import { placementOf } from "../domain/placement.ts";

export async function replayedBatch(env: Env, account: Account, batch: KeyedBatchRow, input: CreateBatchInput): Promise<BatchOutcome> {
  const stored = new Map((await batchMessages(env, account.id, placementOf(account), batch.id)).map((message) => [message.id, message]));
  const planned = batch.items ?? { ids: [], errors: [] };
  const errors: BatchOutcome["errors"] = [...planned.errors];
  const data = input.items.map((item, index) => {
    if (!item.ok) {
      errors.push({ index, error: { kind: "invalid", error: item.error } });
      return null;
    }
    const id = planned.ids[index];
    // null: the item's error is among the stored ones.
    if (id === null) return null;
    const message = id === undefined ? undefined : stored.get(id);
    if (!message) errors.push({ index, error: { kind: "unavailable" } });
    return message ?? null;
  });
  return { id: batch.id, createdAt: batch.createdAt, data, errors: errors.sort((a, b) => a.index - b.index), refused: false, replayed: true };
}
