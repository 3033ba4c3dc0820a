// D1 side of the R2 archive (src/services/archive.ts): the next day to move,
// its rows as stored, and their deletion once the object holds them.
import { and, gte, inArray, lt, notInArray, type SQL, sql } from "drizzle-orm";
import { isFinal } from "../domain/retention.ts";
import { STATUSES } from "../domain/status.ts";
import type { Database } from "./client.ts";
import { messages, usageMetadataRollups, usageRollups } from "./message-schema.ts";

/** A row exactly as the message database stores it: every column of `messages`. */
export type StoredMessage = typeof messages.$inferSelect;

const FINAL = STATUSES.filter(isFinal);

/**
 * The oldest final message below `boundaryId` of an account not in `skip`: its day is the next to move.
 * Not-final rows stay in D1 (their object still changes them) until retention takes them.
 */
export async function oldestArchivable(db: Database, boundaryId: string, skip: string[]): Promise<{ accountId: string; id: string } | undefined> {
  return db
    .select({ accountId: messages.accountId, id: messages.id })
    .from(messages)
    .where(and(lt(messages.id, boundaryId), inArray(messages.status, FINAL), skip.length ? notInArray(messages.accountId, skip) : undefined))
    .orderBy(messages.id)
    .limit(1)
    .get();
}

/** The account's final rows of one day (ids in [from, to)) created on the shard whose ids end in `suffix`, in id order. */
export function archivableRows(db: Database, accountId: string, suffix: string, range: { from: string; to: string }): Promise<StoredMessage[]> {
  return db
    .select()
    .from(messages)
    .where(
      and(
        sql`${messages.accountId} = ${accountId}`,
        gte(messages.id, range.from),
        lt(messages.id, range.to),
        sql`substr(${messages.id}, -4) = ${suffix}`,
        inArray(messages.status, FINAL),
      ),
    )
    .orderBy(messages.id);
}

/** The archived rows as one JSON parameter (D1 binds at most 100): id and the projection_seq the object holds. */
function archivedList(rows: Pick<StoredMessage, "id" | "projectionSeq">[]): SQL {
  return sql`(SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.seq') AS seq FROM json_each(${JSON.stringify(rows.map((row) => ({ id: row.id, seq: row.projectionSeq })))}))`;
}

/**
 * Deletes the rows the object now holds, each only if unchanged since it was read (same projection_seq): a
 * projection that landed meanwhile keeps its row, and the next run writes the day again with it. Deleting a
 * row runs the usage rollups' delete triggers (migrations/messages/0006), which would take an archived
 * message out of usage; the same batch first adds each row back, so usage stays as it was.
 */
export async function deleteArchivedRows(db: Database, rows: StoredMessage[]): Promise<void> {
  if (rows.length === 0) return;
  const list = archivedList(rows);
  const gone = sql`${messages.id} IN (SELECT m.id FROM ${messages} m JOIN ${list} a ON m.id = a.id AND m.projection_seq = a.seq)`;
  const outbound = sql`${messages.direction} = 'outbound' AND ${gone}`;
  await db.batch([
    db.run(sql`INSERT INTO ${usageRollups} (account_id, day, channel, country, api_key_id, status, price_unit, count, segments, price)
      SELECT account_id, date(created_at, 'unixepoch'), channel, coalesce(country, ''), coalesce(api_key_id, ''), status, coalesce(price_unit, ''),
        1, coalesce(segments, 0), coalesce(price, 0) FROM ${messages} WHERE ${outbound}
      ON CONFLICT (account_id, day, channel, country, api_key_id, status, price_unit) DO UPDATE SET
        count = count + excluded.count, segments = segments + excluded.segments, price = price + excluded.price`),
    db.run(sql`INSERT INTO ${usageMetadataRollups} (account_id, key, value, day, channel, country, status, price_unit, count, segments, price)
      SELECT account_id, j.key, j.value, date(created_at, 'unixepoch'), channel, coalesce(country, ''), status, coalesce(price_unit, ''),
        1, coalesce(segments, 0), coalesce(price, 0) FROM ${messages}, json_each(${messages.metadata}) j WHERE ${messages.metadata} IS NOT NULL AND ${outbound}
      ON CONFLICT (account_id, key, value, day, channel, country, status, price_unit) DO UPDATE SET
        count = count + excluded.count, segments = segments + excluded.segments, price = price + excluded.price`),
    db.run(sql`DELETE FROM ${messages} WHERE ${gone}`),
  ]);
}
