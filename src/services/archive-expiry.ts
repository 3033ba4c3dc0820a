// Retention reaches the archive: an archived day wholly past its account's
// retention_days goes, with its messages' Durable Object storage (their event
// logs), their files' references and their usage, as retention takes a message
// from D1. One account a task of the retention queue (retention-tasks.ts).

import { removeArchivedUsage } from "../db/archive.ts";
import { dropPart, forgetChanges, partsBefore, savePart } from "../db/archive-index.ts";
import type { ArchiveLease } from "../db/archive-leases.ts";
import { accountForExpiry } from "../db/retention.ts";
import { activeMoves } from "../db/shard-moves.ts";
import { shardDatabase } from "../db/shards.ts";
import { dropReferences } from "../delivery/media-release.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import { DAY_MS, partKey } from "../domain/archive.ts";
import { placementOf, shardHolding } from "../domain/placement.ts";
import { retentionDays } from "../domain/retention.ts";
import { logger } from "../log.ts";
import { batchTallies, readArchivedObject, usageColumns, writeArchivedPart } from "./archive-objects.ts";
import type { Control } from "./control.ts";
import type { RetentionStep } from "./retention.ts";

/** Objects called at once: a part may hold 5,000 messages, and one invocation should not open thousands of calls together. */
const FORGET_AT_ONCE = 100;
/** An account's expired parts read from the index a task (the budget ends a task first at any part size). */
const PARTS_PER_ACCOUNT = 20;

type ExpiringAccount = NonNullable<Awaited<ReturnType<typeof accountForExpiry>>>;

/** The first day (YYYY-MM-DD) not wholly before the cut-off: every earlier day's messages are all expired. */
function firstKeptDay(cutoffMs: number): string {
  return new Date(Math.floor(cutoffMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Deletes one account's archived days past its retention, up to `budget` messages, part by part, under the account's
 * archive lease (taken by the caller). Each message's object is emptied first; the part is then rewritten without the
 * messages whose object was (deleted once empty), its index row saved or dropped, and only then their usage removed:
 * a crash between the last two leaves their usage counted, never counted out twice. An account under a shard move is
 * left alone until the move ends.
 */
export async function expireArchivedAccount(env: Env, control: Control, lease: ArchiveLease, nowMs: number, budget: number): Promise<RetentionStep> {
  const [account, moves] = await Promise.all([accountForExpiry(control.db, lease.accountId), activeMoves(control.db)]);
  if (!account || moves.some((move) => move.accountId === account.id)) return { done: 0, more: false };
  return expireAccount(env, control, lease, account, nowMs, budget);
}

/**
 * One account's expired parts, up to `budget` messages forgotten. `more` only when the budget or the parts read ended
 * it: an object that could not be emptied, or a lease lost, ends it until the next seed instead of spinning a chain.
 */
async function expireAccount(env: Env, control: Control, lease: ArchiveLease, account: ExpiringAccount, nowMs: number, budget: number): Promise<RetentionStep> {
  let forgotten = 0;
  const parts = await partsBefore(control.db, account.id, firstKeptDay(nowMs - retentionDays(account) * DAY_MS), PARTS_PER_ACCOUNT);
  for (const part of parts) {
    const key = partKey(part);
    const held = await readArchivedObject(env.ARCHIVE, key);
    if (!held) {
      await dropPart(control.db, lease, part);
      continue;
    }
    const batch = held.rows.slice(0, budget - forgotten);
    const settled: PromiseSettledResult<unknown>[] = [];
    for (let i = 0; i < batch.length; i += FORGET_AT_ONCE) {
      settled.push(...(await Promise.allSettled(batch.slice(i, i + FORGET_AT_ONCE).map((row) => messageStatusStub(env, row.id).forget()))));
    }
    const gone = new Set(batch.filter((_, index) => settled[index]!.status === "fulfilled").map((row) => row.id));
    // Their files' references before the part, as retention drops them before the rows: a failure leaves the part for the next task.
    await dropReferences(env, [...gone], nowMs);
    const kept = held.rows.filter((row) => !gone.has(row.id));
    await writeArchivedPart(env.ARCHIVE, key, kept, held.etag);
    const saved =
      kept.length === 0
        ? await dropPart(control.db, lease, part)
        : await savePart(control.db, lease, { ...part, firstId: kept[0]!.id, lastId: kept.at(-1)!.id, count: kept.length }, batchTallies(kept), []);
    // A lease lost (this task stalled and another took the account over): nothing more, as a crash here would leave it.
    if (!saved) return { done: forgotten, more: false };
    await forgetChanges(control.db, account.id, [...gone]);
    await removeArchivedUsage(
      shardDatabase(env, shardHolding(placementOf(account), part.shard)),
      held.rows.filter((row) => gone.has(row.id)).map(usageColumns),
    );
    forgotten += gone.size;
    if (gone.size < batch.length) logger.warn("archive_objects_not_emptied", { count: batch.length - gone.size });
    if (gone.size < batch.length) return { done: forgotten, more: false };
    if (forgotten >= budget) return { done: forgotten, more: true };
  }
  return { done: forgotten, more: parts.length === PARTS_PER_ACCOUNT };
}
