// D1 side of content retention and message retention: a redacted row, and the
// messages past their account's retention_days.
import { eq, inArray, type SQL, sql } from "drizzle-orm";
import { isFinal, RETENTION_DAYS } from "../domain/retention.ts";
import { STATUSES } from "../domain/status.ts";
import { archiveParts } from "./archive-schema.ts";
import type { Database } from "./client.ts";
import { accounts } from "./control-schema.ts";
import { messages } from "./message-schema.ts";

/** Longer than any message stays under way (send_at 35 days ahead, then validity and fallback steps). */
export const UNDER_WAY_DAYS = 40;

/** The columns of a redacted row: its content (the API then shows null) emptied, and when. */
export function redactedColumns(redactedAt: number) {
  // A fallback step's own content and rendering go too; its channel, address and sender stay.
  const fallback = sql`(SELECT json_group_array(json_set(value, '$.content', json('null'), '$.rendered', json('null'))) FROM json_each(${messages.fallback}))`;
  return { content: {}, rendered: null, fallback: sql`CASE WHEN ${messages.fallback} IS NULL THEN NULL ELSE ${fallback} END`, redactedAt };
}

/**
 * Empties the row's content and stamps when (a final row that no object holds;
 * an object projects it instead). It raises projection_seq as a projection
 * does, so that a shard move's copy or verify step sees the redacted row as
 * the newer one and never copies the content back over it.
 */
export async function redactMessageRow(db: Database, messageId: string, redactedAt: number): Promise<void> {
  await db
    .update(messages)
    .set({ ...redactedColumns(redactedAt), projectionSeq: sql`${messages.projectionSeq} + 1` })
    .where(eq(messages.id, messageId));
}

/** An account whose retention_days is not the default. */
export interface RetentionOverride {
  accountId: string;
  days: number;
}

/** Every account with its own retention_days (the control database). */
export async function retentionOverrides(db: Database): Promise<RetentionOverride[]> {
  const rows = await db.select({ accountId: accounts.id, days: accounts.retentionDays }).from(accounts).where(sql`${accounts.retentionDays} IS NOT NULL`);
  return rows.map(({ accountId, days }) => ({ accountId, days: days! }));
}

/**
 * Up to `limit` messages of one message database older than their account's
 * retention_days: those of accounts on the default by the id range alone (ids
 * are msg_ + a UUIDv7 whose first 12 hex digits are its creation time in ms,
 * so "created before the cut-off" is an id range on the primary key), and
 * those of `overrides` by their own cut-off on the (account_id, id) index.
 * The overrides travel as one JSON parameter (D1 binds at most 100).
 */
export async function expiredMessageIds(db: Database, overrides: RetentionOverride[], nowSeconds: number, limit: number): Promise<string[]> {
  const list = sql`(SELECT json_extract(value, '$.accountId') AS account_id, json_extract(value, '$.days') AS days FROM json_each(${JSON.stringify(overrides)}))`;
  const byDefault = sql`SELECT ${messages.id} AS id FROM ${messages} WHERE ${messages.id} < ${cutoffId(nowSeconds, sql`${RETENTION_DAYS.default}`)}
    AND ${messages.accountId} NOT IN (SELECT account_id FROM ${list}) AND ${done(nowSeconds, sql`${RETENTION_DAYS.default}`)}`;
  const own = sql`SELECT ${messages.id} AS id FROM ${list} AS own JOIN ${messages} ON ${messages.accountId} = own.account_id
    AND ${messages.id} < ${cutoffId(nowSeconds, sql`own.days`)} AND ${done(nowSeconds, sql`own.days`)}`;
  const rows = await db.all<{ id: string }>(sql`${byDefault} UNION ALL ${own} LIMIT ${limit}`);
  return rows.map((row) => row.id);
}

/** The smallest id created `days` before now: printf builds it as firstIdAt does, clamped at 0 (a negative cut-off would print past every id). */
function cutoffId(nowSeconds: number, days: SQL) {
  return sql`printf('msg_%012x', max(0, (${nowSeconds} - ${days} * 86400) * 1000))`;
}

/**
 * Whether a message past the cut-off may go. One still under way is kept
 * until it is final: one scheduled up to 35 days ahead (until its send time
 * has passed the cut-off), or one with fallback steps (fallback_after up to a
 * day a step). Deleted before then, its row and its object's alarm would go
 * and it would never be sent. One that never becomes final goes UNDER_WAY_DAYS later.
 */
function done(nowSeconds: number, days: SQL) {
  const final = sql.raw(`'${STATUSES.filter(isFinal).join("', '")}'`);
  const plain = sql`${messages.fallback} IS NULL AND (${messages.sendAt} IS NULL OR ${messages.sendAt} < ${nowSeconds} - ${days} * 86400)`;
  return sql`(${messages.status} IN (${final}) OR (${plain}) OR ${messages.id} < ${cutoffId(nowSeconds, sql`(${days} + ${UNDER_WAY_DAYS})`)})`;
}

export async function deleteMessages(db: Database, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.delete(messages).where(inArray(messages.id, ids));
}

/** An account's retention_days and placement (the archive's expiry of one account); undefined when it is gone. */
export async function accountForExpiry(db: Database, accountId: string) {
  const [account] = await db
    .select({ id: accounts.id, retentionDays: accounts.retentionDays, placement: accounts.placement })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return account;
}

/**
 * Every account with an archived part of a day wholly past its retention_days: a part's day is its first id's, so its
 * oldest part (archive_parts_first_idx) is expired when that id is before the first kept day's first id (none: NULL, never). One
 * index seek an account, in id order.
 */
export async function accountsWithExpiredParts(db: Database, nowMs: number): Promise<string[]> {
  const days = sql`coalesce(${accounts.retentionDays}, ${RETENTION_DAYS.default})`;
  const firstKept = sql`printf('msg_%012x', max(0, ((${nowMs} - ${days} * 86400000) / 86400000) * 86400000))`;
  const oldest = sql`(SELECT min(${archiveParts.firstId}) FROM ${archiveParts} WHERE ${archiveParts.accountId} = ${accounts.id})`;
  const rows = await db.select({ id: accounts.id }).from(accounts).where(sql`${oldest} < ${firstKept}`).orderBy(accounts.id);
  return rows.map((row) => row.id);
}
