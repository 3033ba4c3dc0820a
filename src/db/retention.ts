// D1 side of content retention and message retention: a redacted row, and the
// messages past their account's retention_days.
import { eq, inArray, sql } from "drizzle-orm";
import { isFinal, RETENTION_DAYS } from "../domain/retention.ts";
import { STATUSES } from "../domain/status.ts";
import type { Database } from "./client.ts";
import { accounts } from "./control-schema.ts";
import { messages } from "./message-schema.ts";

/** Longer than any message stays under way (send_at 35 days ahead, then validity and fallback steps). */
const UNDER_WAY_DAYS = 40;

/** The columns of a redacted row: its content (the API then shows null) emptied, and when. */
export function redactedColumns(redactedAt: number) {
  // A fallback step's own content and rendering go too; its channel, address and sender stay.
  const fallback = sql`(SELECT json_group_array(json_set(value, '$.content', json('null'), '$.rendered', json('null'))) FROM json_each(${messages.fallback}))`;
  return { content: {}, rendered: null, fallback: sql`CASE WHEN ${messages.fallback} IS NULL THEN NULL ELSE ${fallback} END`, redactedAt };
}

/** Empties the row's content and stamps when (a final row that no object holds; an object projects it instead). */
export async function redactMessageRow(db: Database, messageId: string, redactedAt: number): Promise<void> {
  await db.update(messages).set(redactedColumns(redactedAt)).where(eq(messages.id, messageId));
}

/**
 * Up to `limit` messages older than their account's retention_days. Ids are msg_ + a UUIDv7 whose first 12 hex digits are its
 * creation time in ms, so "created before the cut-off" is an id range on the
 * (account_id, id) index: each account's expired messages are found without
 * scanning its others. printf builds the cut-off id (as firstIdAt does).
 */
export async function expiredMessageIds(db: Database, nowSeconds: number, limit: number): Promise<string[]> {
  const days = sql`coalesce(${accounts.retentionDays}, ${RETENTION_DAYS.default})`;
  // Clamped at 0: printf would write a negative cut-off as a huge hex number, past every id.
  const cutoffId = sql`printf('msg_%012x', max(0, (${nowSeconds} - ${days} * 86400) * 1000))`;
  // A message still under way past the cut-off is kept until it is final: one scheduled up to 35 days ahead
  // (until its send time has passed the cut-off), or one with fallback steps (fallback_after up to a day a
  // step). Deleted before then, its row and its object's alarm would go and it would never be sent. One that
  // never becomes final goes UNDER_WAY_DAYS later.
  const lateCutoffId = sql`printf('msg_%012x', max(0, (${nowSeconds} - (${days} + ${UNDER_WAY_DAYS}) * 86400) * 1000))`;
  const final = sql.raw(`'${STATUSES.filter(isFinal).join("', '")}'`);
  const plain = sql`${messages.fallback} IS NULL AND (${messages.sendAt} IS NULL OR ${messages.sendAt} < ${nowSeconds} - ${days} * 86400)`;
  const done = sql`(${messages.status} IN (${final}) OR (${plain}) OR ${messages.id} < ${lateCutoffId})`;
  const rows = await db
    .select({ id: messages.id })
    .from(accounts)
    .innerJoin(messages, sql`${messages.accountId} = ${accounts.id} AND ${messages.id} < ${cutoffId} AND ${done}`)
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function deleteMessages(db: Database, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.delete(messages).where(inArray(messages.id, ids));
}
