// Retention reaches the archive: an archived day wholly past its account's
// retention_days goes, with its messages' Durable Object storage (their event
// logs), their files' references and their usage, as retention takes a message from D1.
import { removeArchivedUsage } from "../db/archive.ts";
import { accountsForExpiry } from "../db/retention.ts";
import { activeMoves } from "../db/shard-moves.ts";
import { shardDatabase } from "../db/shards.ts";
import { dropReferences } from "../delivery/media-release.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import { DAY_MS, dayOfKey } from "../domain/archive.ts";
import { placementOf, shardHolding } from "../domain/placement.ts";
import { retentionDays } from "../domain/retention.ts";
import { logger } from "../log.ts";
import { readArchivedObject, writeArchivedDay } from "./archive.ts";
import type { Control } from "./control.ts";

/** Accounts whose archive is looked at per run: one R2 list each. All are visited every ceil(accounts / 50) minutes. */
const ACCOUNTS_PER_RUN = 50;
/** Messages forgotten per run: one Durable Object call each, as retention's 500 a minute. */
const MESSAGES_PER_RUN = 500;

/**
 * Deletes archived days past their account's retention, a bounded part each run. Each message's object is
 * emptied first; the day is then rewritten without the messages whose object was (deleted once empty), and
 * only then their usage removed: a crash between the two leaves their usage counted, never counted out twice.
 */
export async function expireArchivedDays(env: Env, control: Control, nowMs: number, accountsPerRun = ACCOUNTS_PER_RUN): Promise<number> {
  const [all, moves] = await Promise.all([accountsForExpiry(control.db), activeMoves(control.db)]);
  const moving = new Set(moves.map((move) => move.accountId));
  const start = (Math.floor(nowMs / 60_000) * accountsPerRun) % Math.max(all.length, 1);
  const slice = [...all.slice(start), ...all.slice(0, start)].slice(0, accountsPerRun).filter((account) => !moving.has(account.id));
  let budget = MESSAGES_PER_RUN;
  for (const account of slice) {
    const cutoff = nowMs - retentionDays(account) * DAY_MS;
    const listed = await env.ARCHIVE.list({ prefix: `${account.id}/` });
    for (const { key } of listed.objects) {
      const day = dayOfKey(key);
      if (!day || Date.parse(`${day}T00:00:00Z`) + DAY_MS > cutoff) continue;
      const held = await readArchivedObject(env.ARCHIVE, key);
      if (!held) continue;
      const batch = held.rows.slice(0, budget);
      const forgotten = await Promise.allSettled(batch.map((row) => messageStatusStub(env, row.id).forget()));
      const gone = new Set(batch.filter((_, index) => forgotten[index]!.status === "fulfilled").map((row) => row.id));
      // Their files' references before the day, as retention drops them before the rows: a failure leaves the day for the next run.
      await dropReferences(env, [...gone], nowMs);
      await writeArchivedDay(
        env.ARCHIVE,
        key,
        held.rows.filter((row) => !gone.has(row.id)),
        held.etag,
      );
      const shard = Number(key.split("/")[1]);
      await removeArchivedUsage(
        shardDatabase(env, shardHolding(placementOf(account), shard)),
        held.rows.filter((row) => gone.has(row.id)),
      );
      budget -= gone.size;
      if (gone.size < batch.length) logger.warn("archive_objects_not_emptied", { count: batch.length - gone.size });
      if (budget <= 0 || gone.size < batch.length) return MESSAGES_PER_RUN - budget;
    }
  }
  return MESSAGES_PER_RUN - budget;
}
