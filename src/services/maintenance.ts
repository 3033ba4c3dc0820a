// What the every-minute Cron Trigger runs.
import { SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS } from "../auth/console-token.ts";
import { pruneConsoleAuth } from "../db/console.ts";
import { pruneExpiredIdempotencyKeys } from "../db/idempotency.ts";
import { messageDatabases } from "../db/shards.ts";
import { convergeRows } from "../delivery/convergence.ts";
import { sweepMedia } from "../delivery/media-release.ts";
import { rearmOverdueScheduled, reenqueueStuckMessages } from "../delivery/reconcile.ts";
import { unixSeconds } from "../domain/ids.ts";
import { archiveColdMessages } from "./archive.ts";
import type { Control } from "./control.ts";
import { deleteExpiredBatches } from "./retention.ts";
import { seedRetention } from "./retention-tasks.ts";
import { advanceShardMoves } from "./shard-move.ts";
import { measureShards } from "./shard-sizes.ts";
import { pruneWebhookDeliveries } from "./webhook-deliveries.ts";

// Expired keys are already ignored by the claim; pruning only reclaims space,
// in bounded deletes so one run stays short however many expired at once.
const PRUNE_CHUNK = 1000;
const PRUNE_CHUNKS_PER_RUN = 20;

/** Expired Idempotency-Key records, pruned on each message database (where the keys live); how many. */
export async function pruneIdempotencyKeys(env: Env, nowMs: number): Promise<number> {
  let pruned = 0;
  for (const db of messageDatabases(env)) {
    for (let chunk = 0; chunk < PRUNE_CHUNKS_PER_RUN; chunk++) {
      const deleted = await pruneExpiredIdempotencyKeys(db, unixSeconds(nowMs), PRUNE_CHUNK);
      pruned += deleted;
      if (deleted < PRUNE_CHUNK) break;
    }
  }
  return pruned;
}

/** Each task runs even when the other fails; any failure fails the run (and is logged by the runtime). */
export async function runMaintenance(env: Env, control: Control, nowMs: number): Promise<void> {
  const results = await Promise.allSettled([
    reenqueueStuckMessages(env, nowMs),
    rearmOverdueScheduled(env, nowMs),
    // Rows a lost status projection left behind their objects.
    convergeRows(env, control.db, nowMs),
    pruneIdempotencyKeys(env, nowMs),
    pruneConsoleAuth(control.db, unixSeconds(nowMs), SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS),
    // Messages past their account's retention_days, in D1 and in the archive: tasks for the retention queue's consumers.
    seedRetention(env, control, nowMs),
    // Batch rows once none of their messages can be left (retention_days + 40 days after their creation).
    deleteExpiredBatches(control, nowMs),
    // Final messages past the hot window to R2, a day per message database a minute (src/services/archive.ts).
    archiveColdMessages(env, control, nowMs),
    // Files no retained message refers to any more, and releases that failed (src/delivery/media-release.ts).
    sweepMedia(env, nowMs),
    // Webhook endpoints' delivery log, kept 30 days.
    pruneWebhookDeliveries(control, nowMs),
    measureShards(env, control, nowMs),
    // Operator's moves of accounts between message databases, a bounded part each minute.
    advanceShardMoves(env, control, nowMs),
  ]);
  const failures = results.filter((result) => result.status === "rejected").map((result) => result.reason);
  if (failures.length > 0) throw new AggregateError(failures, "scheduled maintenance failed");
}
