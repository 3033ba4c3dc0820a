// The archive's index in the control database (archive-schema.ts): the parts
// of each archived day, the late changes not yet folded into their part, and
// each part's batch counts. Every query is scoped to one account.
import { and, asc, desc, eq, gt, gte, lt, lte, notInArray, sql } from "drizzle-orm";
import type { ArchivedChange, ArchivePart } from "../domain/archive.ts";
import { type ArchiveLease, leaseHeld } from "./archive-leases.ts";
import { archivedBatchCounts, archivedChanges, archiveParts } from "./archive-schema.ts";
import type { Database } from "./client.ts";

/** The parts of an account's day on one shard, in id order. */
export function dayParts(db: Database, day: Pick<ArchivePart, "accountId" | "shard" | "day">): Promise<ArchivePart[]> {
  return db
    .select()
    .from(archiveParts)
    .where(and(eq(archiveParts.accountId, day.accountId), eq(archiveParts.shard, day.shard), eq(archiveParts.day, day.day)))
    .orderBy(asc(archiveParts.fromId));
}

/** A late change of an archived message, with the projection seq it carries. */
export interface HeldChange {
  messageId: string;
  seq: number;
  change: ArchivedChange;
}

/** The part claiming this id and the message's unfolded late change, in one D1 batch. */
export async function archivedLookup(
  db: Database,
  day: Pick<ArchivePart, "accountId" | "shard" | "day">,
  messageId: string,
): Promise<{ part: ArchivePart | undefined; change: HeldChange | undefined }> {
  const [parts, changes] = await db.batch([
    db
      .select()
      .from(archiveParts)
      .where(
        and(eq(archiveParts.accountId, day.accountId), eq(archiveParts.shard, day.shard), eq(archiveParts.day, day.day), lte(archiveParts.fromId, messageId)),
      )
      .orderBy(desc(archiveParts.fromId))
      .limit(1),
    db
      .select({ messageId: archivedChanges.messageId, seq: archivedChanges.seq, change: archivedChanges.change })
      .from(archivedChanges)
      .where(and(eq(archivedChanges.accountId, day.accountId), eq(archivedChanges.messageId, messageId))),
  ]);
  return { part: parts[0], change: changes[0] };
}

/** The account's unfolded late changes of messages with ids in [firstId, lastId]: those of one part's rows. */
export function changesBetween(db: Database, accountId: string, firstId: string, lastId: string): Promise<HeldChange[]> {
  return db
    .select({ messageId: archivedChanges.messageId, seq: archivedChanges.seq, change: archivedChanges.change })
    .from(archivedChanges)
    .where(and(eq(archivedChanges.accountId, accountId), gte(archivedChanges.messageId, firstId), lte(archivedChanges.messageId, lastId)));
}

/** The oldest unfolded late changes of accounts not in `skip` (the archive run folds them into their parts). */
export function oldestChanges(db: Database, limit: number, skip: string[]): Promise<{ accountId: string; messageId: string }[]> {
  return db
    .select({ accountId: archivedChanges.accountId, messageId: archivedChanges.messageId })
    .from(archivedChanges)
    .where(skip.length > 0 ? notInArray(archivedChanges.accountId, skip) : undefined)
    .orderBy(asc(archivedChanges.seq))
    .limit(limit);
}

/**
 * Stores late changes, each only over an older one of the same message (the projection queue delivers twice and
 * out of order; a seq is a message's own clock).
 */
export async function holdChanges(db: Database, changes: (HeldChange & { accountId: string })[]): Promise<void> {
  const [first, ...rest] = changes.map((held) =>
    db
      .insert(archivedChanges)
      .values(held)
      .onConflictDoUpdate({
        target: [archivedChanges.accountId, archivedChanges.messageId],
        set: { seq: sql`excluded.seq`, change: sql`excluded.change` },
        setWhere: sql`excluded.seq > ${archivedChanges.seq}`,
      }),
  );
  if (first) await db.batch([first, ...rest]);
}

/** A part's messages of each batch, by status. */
export interface BatchTally {
  batchId: string;
  status: string;
  count: number;
}

/**
 * Records a part as its object now stands, in one D1 batch: its index row, its batch counts (replaced whole), and
 * the deletion of the late changes it folded in (each only if no newer one came since: `folded`, each message's
 * seq as the object holds it). Only while `lease` is still held (every statement checks it, in one transaction):
 * false, and nothing written, when another run has taken it since.
 */
export async function savePart(
  db: Database,
  lease: ArchiveLease,
  part: ArchivePart,
  tallies: BatchTally[],
  folded: { messageId: string; seq: number }[],
): Promise<boolean> {
  const { accountId, shard, day, part: number } = part;
  const held = leaseHeld(1, 6);
  const d1 = db.$client;
  const [saved] = await d1.batch([
    d1
      .prepare(`INSERT INTO archive_parts (account_id, shard, day, part, from_id, first_id, last_id, count)
        SELECT ?1, ?2, ?3, ?4, json_extract(?5, '$.fromId'), json_extract(?5, '$.firstId'), json_extract(?5, '$.lastId'), json_extract(?5, '$.count')
        WHERE ${held}
        ON CONFLICT (account_id, shard, day, part) DO UPDATE SET first_id = excluded.first_id, last_id = excluded.last_id, count = excluded.count
        RETURNING part`)
      .bind(accountId, shard, day, number, JSON.stringify(part), lease.holder),
    d1
      .prepare(`DELETE FROM archived_batch_counts WHERE account_id = ?1 AND shard = ?2 AND day = ?3 AND part = ?4 AND ${held}`)
      .bind(accountId, shard, day, number, null, lease.holder),
    d1
      .prepare(`INSERT INTO archived_batch_counts (account_id, batch_id, shard, day, part, status, count)
        SELECT ?1, json_extract(value, '$.batchId'), ?2, ?3, ?4, json_extract(value, '$.status'), json_extract(value, '$.count') FROM json_each(?5)
        WHERE ${held}`)
      .bind(accountId, shard, day, number, JSON.stringify(tallies), lease.holder),
    d1
      .prepare(`DELETE FROM archived_changes WHERE account_id = ?1 AND ${held} AND EXISTS (SELECT 1 FROM json_each(?5) f
        WHERE json_extract(f.value, '$.messageId') = archived_changes.message_id AND archived_changes.seq <= json_extract(f.value, '$.seq'))`)
      .bind(accountId, null, null, null, JSON.stringify(folded), lease.holder),
  ]);
  return (saved?.results.length ?? 0) > 0;
}

/** Forgets a part whose object is gone (every message expired), with its batch counts, while `lease` is held; whether it did. */
export async function dropPart(db: Database, lease: ArchiveLease, part: ArchivePart): Promise<boolean> {
  const d1 = db.$client;
  const [dropped] = await d1.batch([
    d1
      .prepare(`DELETE FROM archive_parts WHERE account_id = ?1 AND shard = ?3 AND day = ?4 AND part = ?5 AND ${leaseHeld(1, 2)} RETURNING part`)
      .bind(part.accountId, lease.holder, part.shard, part.day, part.part),
    d1
      .prepare(`DELETE FROM archived_batch_counts WHERE account_id = ?1 AND shard = ?3 AND day = ?4 AND part = ?5 AND ${leaseHeld(1, 2)}`)
      .bind(part.accountId, lease.holder, part.shard, part.day, part.part),
  ]);
  return (dropped?.results.length ?? 0) > 0;
}

/** Forgets the late changes of expired messages (the ids as one JSON parameter). */
export async function forgetChanges(db: Database, accountId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .delete(archivedChanges)
    .where(and(eq(archivedChanges.accountId, accountId), sql`${archivedChanges.messageId} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`));
}

/** Bounds on the ids a list page reads: the cursor's side, and a created range as ids. */
export interface IdBounds {
  /** Only ids below this one ("next" pages). */
  below?: string;
  /** Only ids above this one ("prev" pages). */
  above?: string;
  /** Ids at or above (created[gte]). */
  from?: string;
  /** Ids below (created[lte], the first id of the second after). */
  to?: string;
  /** Parts whose last id is below this one (they lie in one day: where an index scan newest first starts). */
  lastBelow?: string;
  /** Parts whose first id is above this one (where a scan oldest first starts). */
  firstAbove?: string;
}

/**
 * Up to `limit` of the account's parts holding ids within the bounds, newest first by their last id ("next"), or
 * oldest first by their first id ("prev"): the order in which a list page reads them.
 */
export function partsInOrder(db: Database, accountId: string, bounds: IdBounds, backwards: boolean, limit: number): Promise<ArchivePart[]> {
  const holds = [
    bounds.below === undefined ? undefined : lt(archiveParts.firstId, bounds.below),
    bounds.above === undefined ? undefined : gt(archiveParts.lastId, bounds.above),
    bounds.from === undefined ? undefined : gte(archiveParts.lastId, bounds.from),
    bounds.to === undefined ? undefined : lt(archiveParts.firstId, bounds.to),
    bounds.lastBelow === undefined ? undefined : lt(archiveParts.lastId, bounds.lastBelow),
    bounds.firstAbove === undefined ? undefined : gt(archiveParts.firstId, bounds.firstAbove),
  ];
  return db
    .select()
    .from(archiveParts)
    .where(and(eq(archiveParts.accountId, accountId), ...holds))
    .orderBy(backwards ? asc(archiveParts.firstId) : desc(archiveParts.lastId))
    .limit(limit);
}

/** Up to `limit` of the account's parts of days before `beforeDay` (YYYY-MM-DD), oldest first. */
export function partsBefore(db: Database, accountId: string, beforeDay: string, limit: number): Promise<ArchivePart[]> {
  return db
    .select()
    .from(archiveParts)
    .where(and(eq(archiveParts.accountId, accountId), lt(archiveParts.day, beforeDay)))
    .orderBy(asc(archiveParts.firstId))
    .limit(limit);
}

/** The account's archived messages of a batch, by status. */
export async function archivedBatchStatusCounts(db: Database, accountId: string, batchId: string): Promise<{ status: string; count: number }[]> {
  return db
    .select({ status: archivedBatchCounts.status, count: sql<number>`sum(${archivedBatchCounts.count})` })
    .from(archivedBatchCounts)
    .where(and(eq(archivedBatchCounts.accountId, accountId), eq(archivedBatchCounts.batchId, batchId)))
    .groupBy(archivedBatchCounts.status);
}

/** Whether the account has an archived part (a list page ending exactly at the hot boundary asks). */
export async function hasArchivedParts(db: Database, accountId: string): Promise<boolean> {
  return (await db.select({ part: archiveParts.part }).from(archiveParts).where(eq(archiveParts.accountId, accountId)).limit(1)).length > 0;
}
