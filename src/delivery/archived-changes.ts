// A status change that reaches a message after the archive moved its row to
// R2 (a WhatsApp `read` days later, a late receipt): its projection updated
// no row, so it is kept in the control database's archived_changes instead,
// where reads lay it over the archived row and the archive's next rewrite of
// the part folds it in. Exact under the projection queue's retries and
// reordering: a change is kept only over an older one of the same message.
// The object's row check (row-check.ts) finds no row for such a message and
// projects it again a few minutes later, which repairs a lost one.
import { loadConfig } from "../config.ts";
import { heldIds } from "../db/archive.ts";
import { holdChanges } from "../db/archive-index.ts";
import type { Database } from "../db/client.ts";
import type { Projection } from "../db/projections.ts";
import { shardDatabase } from "../db/shards.ts";
import { hotBoundaryId } from "../domain/archive.ts";

/**
 * Of these written projections (grouped by the shards that took them), those of messages past the hot window that
 * no shard has a row for are kept as late changes. A message inside the window is never archived: no read for it.
 */
export async function keepArchivedChanges(env: Env, controlDb: Database, byShard: Map<number, Projection[]>, nowMs: number): Promise<void> {
  const boundary = hotBoundaryId(nowMs, loadConfig(env).archiveHotDays);
  const rowless = new Map<string, Projection>();
  const held = new Set<string>();
  await Promise.all(
    [...byShard].map(async ([shard, projections]) => {
      const old = projections.filter((projection) => projection.messageId < boundary);
      if (old.length === 0) return;
      for (const projection of old) rowless.set(projection.messageId, projection);
      for (const id of await heldIds(
        shardDatabase(env, shard),
        old.map((projection) => projection.messageId),
      ))
        held.add(id);
    }),
  );
  const late = [...rowless.values()].filter((projection) => !held.has(projection.messageId));
  await holdChanges(
    controlDb,
    late.map(
      ({
        messageId,
        accountId,
        seq,
        status,
        deliveredAt,
        providerLatencyMs,
        errorCode,
        errorMessage,
        attempts,
        deliveredChannel,
        redactedAt,
        price,
        priceStatus,
      }) => ({
        messageId,
        accountId,
        seq,
        change: { status, deliveredAt, providerLatencyMs, errorCode, errorMessage, attempts, deliveredChannel, redactedAt, price, priceStatus },
      }),
    ),
  );
}
