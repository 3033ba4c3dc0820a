// A batch as GET /v1/batches/:id shows it, and its cancel: its row from the
// control database, its messages' statuses from every message database the
// account reads, and those of its messages the archive moved to R2 from the
// archive's index (each part's counts by batch and status, kept with it).
// Statuses come from the messages' rows, which follow their objects through
// the projection queue (a second or so behind).
import { archivedBatchStatusCounts } from "../db/archive-index.ts";
import { type BatchRow, batchCounts, findBatch, recentBatches, scheduledBatchMessages } from "../db/batches.ts";
import { shardDatabase } from "../db/shards.ts";
import type { Account } from "../domain/account.ts";
import { placementOf, shardsToRead } from "../domain/placement.ts";
import type { Status } from "../domain/status.ts";
import { cancelMessage } from "./cancel.ts";
import type { Control } from "./control.ts";

/** Messages canceled at once by a batch cancel. */
const CANCEL_CONCURRENCY = 50;

export interface BatchView extends BatchRow {
  /** Every status, with 0 for those none of its messages is in. */
  counts: Record<Status, number>;
  total: number;
}

export async function findAccountBatch(env: Env, control: Control, account: Account, id: string): Promise<BatchView | undefined> {
  const batch = await findBatch(control.db, account.id, id);
  if (!batch) return undefined;
  // Its archived messages (past the hot window, in R2) are counted from the archive's index, beside the shards'.
  const [archived, counts] = await Promise.all([archivedBatchStatusCounts(control.db, account.id, id), batchCounts(env, account.id, placementOf(account), id)]);
  for (const { status, count } of archived) counts[status as Status] += count;
  return { ...batch, counts, total: Object.values(counts).reduce((sum, count) => sum + count, 0) };
}

export interface BatchCancel {
  canceled: number;
  /** Scheduled when listed, but sent (or canceled alone) before its cancel reached it. */
  notCancelable: number;
}

/** Cancels every message of the batch still scheduled, each through its own object (as POST /v1/messages/:id/cancel does). */
export async function cancelBatch(env: Env, control: Control, account: Account, id: string): Promise<BatchCancel | undefined> {
  const batch = await findBatch(control.db, account.id, id);
  if (!batch) return undefined;
  const perShard = await Promise.all(shardsToRead(placementOf(account)).map((shard) => scheduledBatchMessages(shardDatabase(env, shard), account.id, id)));
  // A message found on two shards (during a move) is canceled once.
  const scheduled = [...new Map(perShard.flat().map((message) => [message.id, message])).values()];
  const answer: BatchCancel = { canceled: 0, notCancelable: 0 };
  for (let i = 0; i < scheduled.length; i += CANCEL_CONCURRENCY) {
    const results = await Promise.all(scheduled.slice(i, i + CANCEL_CONCURRENCY).map((message) => cancelMessage(env, message)));
    for (const result of results) {
      if (result.ok) answer.canceled++;
      else answer.notCancelable++;
    }
  }
  return answer;
}

/** The account's latest batches, newest first (the Console's list). */
export function latestBatches(control: Control, account: Account, limit: number): Promise<BatchRow[]> {
  return recentBatches(control.db, account.id, limit);
}
