// batch.completed: after the projections of a consumer batch are written,
// each batch one of whose messages was projected final is checked on every
// message database the account reads; when none of its messages is left
// unfinished there, its gate emits the event, once per batch (the gate's
// claim, account-events.ts recordOnce). Exact under at-least-once and
// out-of-order projections: a row takes only a newer view, every final view
// checks after its own write, so the write of the last message to become
// final is followed by a check that sees them all final. A check or emit that
// fails marks its projections failed, and the queue (then its dead-letter
// consumer, then the convergence pass's rewrites) runs them, and the check, again.
import { batchCounts } from "../db/batches.ts";
import type { Projection } from "../db/projections.ts";
import { type Placement, placementOf } from "../domain/placement.ts";
import { isFinal } from "../domain/retention.ts";
import { STATUSES } from "../domain/status.ts";
import { logger } from "../log.ts";

/** Checks the batches of the projections written (not in `failed`) that are final; adds to `failed` those whose check failed. */
export async function checkBatches(env: Env, projections: Projection[], placements: Map<string, Placement | null>, failed: Set<string>): Promise<void> {
  const batches = new Map<string, { accountId: string; batchId: string; messageIds: string[] }>();
  for (const projection of projections) {
    const { batchId, accountId, messageId, status } = projection;
    if (!batchId || !isFinal(status) || failed.has(messageId)) continue;
    const held = batches.get(batchId) ?? { accountId, batchId, messageIds: [] };
    held.messageIds.push(messageId);
    batches.set(batchId, held);
  }
  await Promise.all(
    [...batches.values()].map(async ({ accountId, batchId, messageIds }) => {
      try {
        await checkBatch(env, accountId, batchId, placements.get(accountId) ?? null);
      } catch (error) {
        logger.error("batch_completion_check_failed", { batch_id: batchId, error });
        for (const id of messageIds) failed.add(id);
      }
    }),
  );
}

async function checkBatch(env: Env, accountId: string, batchId: string, placement: Placement | null): Promise<void> {
  const counts = await batchCounts(env, accountId, placementOf({ placement }), batchId);
  if (STATUSES.some((status) => counts[status] > 0 && !isFinal(status))) return;
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const data = JSON.stringify({ id: batchId, object: "batch", counts, total });
  await env.ACCOUNT_GATE.getByName(accountId).batchCompleted(accountId, batchId, data);
}
