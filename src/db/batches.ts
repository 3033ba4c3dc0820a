// Batches: their row in the control database (control-schema.ts), and what
// their messages say on the message databases (counts per status, the
// scheduled ones a cancel reaches), read per shard through the partial index
// messages_account_batch_idx.
import { and, desc, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { Message } from "../domain/message.ts";
import { type Placement, shardsHeldOn, shardsToRead } from "../domain/placement.ts";
import { RETENTION_DAYS } from "../domain/retention.ts";
import { STATUSES, type Status } from "../domain/status.ts";
import { bornOnOneOf } from "./born-on.ts";
import type { Database } from "./client.ts";
import { batches } from "./control-schema.ts";
import { messages } from "./message-schema.ts";
import { type RetentionOverride, UNDER_WAY_DAYS } from "./retention.ts";
import { shardDatabase } from "./shards.ts";

/** A batch's whole row, with the answer a keyed create stored with it (domain/batch.ts StoredBatchItems). */
export type KeyedBatchRow = typeof batches.$inferSelect;
/** A batch as reads show it: its row without a keyed batch's stored answer (up to tens of KB, read by its retry alone). */
export type BatchRow = Omit<KeyedBatchRow, "items">;

const { items: _answer, ...shown } = getTableColumns(batches);

export async function insertBatch(db: Database, row: typeof batches.$inferInsert): Promise<void> {
  await db.insert(batches).values(row);
}

export async function findBatch(db: Database, accountId: string, id: string): Promise<BatchRow | undefined> {
  return db
    .select(shown)
    .from(batches)
    .where(and(eq(batches.accountId, accountId), eq(batches.id, id)))
    .get();
}

export async function findKeyedBatch(db: Database, accountId: string, id: string): Promise<KeyedBatchRow | undefined> {
  return db
    .select()
    .from(batches)
    .where(and(eq(batches.accountId, accountId), eq(batches.id, id)))
    .get();
}

/**
 * How many of the batch's messages on one message database, created on one of
 * `bornOn` (the shards whose messages it holds for reads), are in each status.
 */
async function batchStatusCounts(db: Database, accountId: string, batchId: string, bornOn: readonly number[]): Promise<{ status: Status; count: number }[]> {
  return db
    .select({ status: messages.status, count: sql<number>`count(*)` })
    .from(messages)
    .where(and(bornOnOneOf(accountId, bornOn), eq(messages.batchId, batchId)))
    .groupBy(messages.status);
}

/**
 * How many of the batch's messages are in each status (every status, 0 for
 * those none is in), over every message database the account reads. Each
 * message is counted once, on the database that holds it for reads: during a
 * move, its copy at the target is not counted until the flip, after which the
 * source is no longer read.
 */
export async function batchCounts(env: Env, accountId: string, placement: Placement, batchId: string): Promise<Record<Status, number>> {
  const perShard = await Promise.all(
    shardsToRead(placement).map((shard) => batchStatusCounts(shardDatabase(env, shard), accountId, batchId, shardsHeldOn(placement, shard))),
  );
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
  for (const { status, count } of perShard.flat()) counts[status] += count;
  return counts;
}

/** The batch's messages, each once, from every message database the account reads (as batchCounts counts them). */
export async function batchMessages(env: Env, accountId: string, placement: Placement, batchId: string): Promise<Message[]> {
  const perShard = await Promise.all(
    shardsToRead(placement).map((shard) =>
      shardDatabase(env, shard)
        .select()
        .from(messages)
        .where(and(bornOnOneOf(accountId, shardsHeldOn(placement, shard)), eq(messages.batchId, batchId))),
    ),
  );
  return perShard.flat();
}

/** The batch's messages on one message database that are still scheduled. */
export async function scheduledBatchMessages(db: Database, accountId: string, batchId: string): Promise<{ id: string; status: Status }[]> {
  return db
    .select({ id: messages.id, status: messages.status })
    .from(messages)
    .where(and(eq(messages.accountId, accountId), eq(messages.batchId, batchId), eq(messages.status, "scheduled")));
}

/** The account's batches, newest first (the Console's list). */
export async function recentBatches(db: Database, accountId: string, limit: number): Promise<BatchRow[]> {
  return db.select(shown).from(batches).where(eq(batches.accountId, accountId)).orderBy(desc(batches.id)).limit(limit);
}

/**
 * Deletes up to `limit` batch rows that have outlived every message they can
 * have made: older than their account's retention_days plus UNDER_WAY_DAYS
 * (the longest a message past its retention is kept while still under way,
 * db/retention.ts); how many. Ids start with their creation time (bat_ + a
 * UUIDv7), so the default accounts' rows are an id range on the primary key,
 * and those of `overrides` one on (account_id, id), as expiredMessageIds reads.
 */
export async function pruneExpiredBatches(db: Database, overrides: RetentionOverride[], nowSeconds: number, limit: number): Promise<number> {
  const list = sql`(SELECT json_extract(value, '$.accountId') AS account_id, json_extract(value, '$.days') AS days FROM json_each(${JSON.stringify(overrides)}))`;
  const before = (days: SQL) => sql`printf('bat_%012x', max(0, (${nowSeconds} - (${days} + ${UNDER_WAY_DAYS}) * 86400) * 1000))`;
  const byDefault = sql`SELECT ${batches.id} AS id FROM ${batches} WHERE ${batches.id} < ${before(sql`${RETENTION_DAYS.default}`)}
    AND ${batches.accountId} NOT IN (SELECT account_id FROM ${list})`;
  const own = sql`SELECT ${batches.id} AS id FROM ${list} AS own JOIN ${batches} ON ${batches.accountId} = own.account_id AND ${batches.id} < ${before(sql`own.days`)}`;
  const result = await db.run(sql`DELETE FROM ${batches} WHERE ${batches.id} IN (${byDefault} UNION ALL ${own} LIMIT ${limit})`);
  return result.meta.changes;
}
