// Retention reaches the archive: an archived day wholly past its account's
// retention_days goes, with its messages' Durable Object storage (their event
// logs), their files' references and their usage, as retention takes a message from D1.

import { removeArchivedUsage } from "../db/archive.ts";
import { dropPart, forgetChanges, partsBefore, savePart } from "../db/archive-index.ts";
import type { ArchiveLease } from "../db/archive-leases.ts";
import { accountsForExpiry } from "../db/retention.ts";
import { activeMoves } from "../db/shard-moves.ts";
import { shardDatabase } from "../db/shards.ts";
import { dropReferences } from "../delivery/media-release.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import { DAY_MS, partKey } from "../domain/archive.ts";
import { placementOf, shardHolding } from "../domain/placement.ts";
import { retentionDays } from "../domain/retention.ts";
import { logger } from "../log.ts";
import { underArchiveLease } from "./archive-lease.ts";
import { batchTallies, readArchivedObject, usageColumns, writeArchivedPart } from "./archive-objects.ts";
import type { Control } from "./control.ts";

/** Accounts whose archive is looked at per run: one index read each. All are visited every ceil(accounts / 50) minutes. */
const ACCOUNTS_PER_RUN = 50;
/** Messages forgotten per run: one Durable Object call each, as retention's 2,000 a minute. */
const MESSAGES_PER_RUN = 2_000;
/** Objects called at once: a part may hold 5,000 messages, and one invocation should not open thousands of calls together. */
const FORGET_AT_ONCE = 100;
/** An account's expired parts read from the index a run (the budget above ends a run first at any part size). */
const PARTS_PER_ACCOUNT = 20;

type ExpiringAccount = Awaited<ReturnType<typeof accountsForExpiry>>[number];

/** The first day (YYYY-MM-DD) not wholly before the cut-off: every earlier day's messages are all expired. */
function firstKeptDay(cutoffMs: number): string {
  return new Date(Math.floor(cutoffMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** What an expiry run did: messages forgotten, and accounts passed over because another run held their lease. */
export interface ExpiryReport {
  forgotten: number;
  held: number;
}

/**
 * Deletes archived days past their account's retention, a bounded part each run, part by part, each account under
 * its archive lease (one another run holds is passed over). Each message's object is emptied first; the part is then
 * rewritten without the messages whose object was (deleted once empty), its index row saved or dropped, and only
 * then their usage removed: a crash between the last two leaves their usage counted, never counted out twice.
 */
export async function expireArchivedDays(env: Env, control: Control, nowMs: number, accountsPerRun = ACCOUNTS_PER_RUN): Promise<ExpiryReport> {
  const [all, moves] = await Promise.all([accountsForExpiry(control.db), activeMoves(control.db)]);
  const moving = new Set(moves.map((move) => move.accountId));
  const start = (Math.floor(nowMs / 60_000) * accountsPerRun) % Math.max(all.length, 1);
  const slice = [...all.slice(start), ...all.slice(0, start)].slice(0, accountsPerRun).filter((account) => !moving.has(account.id));
  const started = Date.now();
  const report: ExpiryReport = { forgotten: 0, held: 0 };
  for (const account of slice) {
    const outcome = await underArchiveLease(control.db, account.id, nowMs + (Date.now() - started), (lease) =>
      expireAccount(env, control, lease, account, nowMs, MESSAGES_PER_RUN - report.forgotten),
    );
    if (outcome.held) {
      report.held++;
      continue;
    }
    report.forgotten += outcome.value.forgotten;
    if (outcome.value.stop || report.forgotten >= MESSAGES_PER_RUN) break;
  }
  return report;
}

/** One account's expired parts, up to `budget` messages forgotten; `stop` when the run should end here. */
async function expireAccount(env: Env, control: Control, lease: ArchiveLease, account: ExpiringAccount, nowMs: number, budget: number) {
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
    // Their files' references before the part, as retention drops them before the rows: a failure leaves the part for the next run.
    await dropReferences(env, [...gone], nowMs);
    const kept = held.rows.filter((row) => !gone.has(row.id));
    await writeArchivedPart(env.ARCHIVE, key, kept, held.etag);
    const saved =
      kept.length === 0
        ? await dropPart(control.db, lease, part)
        : await savePart(control.db, lease, { ...part, firstId: kept[0]!.id, lastId: kept.at(-1)!.id, count: kept.length }, batchTallies(kept), []);
    // A lease lost (this run stalled and another took the account over): nothing more, as a crash here would leave it.
    if (!saved) return { forgotten, stop: true };
    await forgetChanges(control.db, account.id, [...gone]);
    await removeArchivedUsage(
      shardDatabase(env, shardHolding(placementOf(account), part.shard)),
      held.rows.filter((row) => gone.has(row.id)).map(usageColumns),
    );
    forgotten += gone.size;
    if (gone.size < batch.length) logger.warn("archive_objects_not_emptied", { count: batch.length - gone.size });
    if (forgotten >= budget || gone.size < batch.length) return { forgotten, stop: true };
  }
  return { forgotten, stop: false };
}
