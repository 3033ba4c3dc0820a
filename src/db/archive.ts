// D1 side of the R2 archive (src/services/archive.ts): the next day to move,
// a part's worth of its rows as stored, and their deletion once the object
// holds them. (The archive's index is in the control database: archive-index.ts.)
import { and, gte, inArray, lt, lte, notInArray, sql } from "drizzle-orm";
import { isFinal } from "../domain/retention.ts";
import { STATUSES } from "../domain/status.ts";
import type { Database } from "./client.ts";
import { messages } from "./message-schema.ts";

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

/** A row's size in characters, about: its free-form columns, and 1,000 for the rest. */
const ROW_CHARS = sql`(1000 + length(${messages.content}) + coalesce(length(${messages.rendered}), 0) + coalesce(length(${messages.fallback}), 0)
  + coalesce(length(${messages.attempts}), 0) + coalesce(length(${messages.metadata}), 0))`;

/**
 * The account's final rows of one day (ids in [from, to)) created on the shard whose ids end in `suffix`, in id
 * order: at most `limit`, and no more than `chars` characters of them (at least one row). One query: the window
 * sum finds the last row inside the budget among the first `limit`.
 */
export function archivableRows(
  db: Database,
  accountId: string,
  suffix: string,
  range: { from: string; to: string },
  { limit, chars }: { limit: number; chars: number },
): Promise<StoredMessage[]> {
  const ofTheDay = and(
    sql`${messages.accountId} = ${accountId}`,
    gte(messages.id, range.from),
    lt(messages.id, range.to),
    sql`substr(${messages.id}, -4) = ${suffix}`,
    inArray(messages.status, FINAL),
  );
  const lastInBudget = sql`(SELECT id FROM (SELECT ${messages.id} AS id, sum(${ROW_CHARS}) OVER (ORDER BY ${messages.id} ROWS UNBOUNDED PRECEDING) AS upto,
    row_number() OVER (ORDER BY ${messages.id}) AS n FROM ${messages} WHERE ${ofTheDay} ORDER BY ${messages.id} LIMIT ${limit})
    WHERE upto <= ${chars} OR n = 1 ORDER BY id DESC LIMIT 1)`;
  return db
    .select()
    .from(messages)
    .where(and(ofTheDay, lte(messages.id, lastInBudget)))
    .orderBy(messages.id)
    .limit(limit);
}

/** Which of these messages have a row here (the ids as one JSON parameter: D1 binds at most 100). */
export async function heldIds(db: Database, ids: string[]): Promise<Set<string>> {
  const rows = await db
    .select({ id: messages.id })
    .from(messages)
    .where(sql`${messages.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Set(rows.map((row) => row.id));
}

/** The rows deleted: each archived id whose row still has the projection_seq the object holds (one JSON parameter: D1 binds at most 100). */
const GONE = `messages.id IN (SELECT m.id FROM messages m JOIN json_each(?1) a
  ON m.id = json_extract(a.value, '$.id') AND m.projection_seq = json_extract(a.value, '$.seq'))`;
const OUTBOUND = `messages.direction = 'outbound' AND ${GONE}`;

// The rollups' delete triggers (migrations/messages/0008) with +1 for -1, each figure now the archive's
// (archived = 1: no trigger moves it again; a shard move carries it, src/db/usage-move.ts).
const USAGE_BACK = `INSERT INTO usage_rollups (account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived, count, segments, price)
  SELECT account_id, date(created_at, 'unixepoch'), channel, coalesce(country, ''), coalesce(api_key_id, ''), status, coalesce(price_unit, ''),
    substr(id, -4), 1, 1, coalesce(segments, 0), coalesce(price, 0) FROM messages WHERE ${OUTBOUND}
  ON CONFLICT (account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived) DO UPDATE SET
    count = count + excluded.count, segments = segments + excluded.segments, price = price + excluded.price`;
const METADATA_USAGE_BACK = `INSERT INTO usage_metadata_rollups (account_id, key, value, day, channel, country, status, price_unit, born_on, archived, count, segments, price)
  SELECT messages.account_id, j.key, j.value, date(messages.created_at, 'unixepoch'), messages.channel, coalesce(messages.country, ''), messages.status,
    coalesce(messages.price_unit, ''), substr(messages.id, -4), 1, 1, coalesce(messages.segments, 0), coalesce(messages.price, 0)
  FROM messages, json_each(messages.metadata) j WHERE messages.metadata IS NOT NULL AND ${OUTBOUND}
  ON CONFLICT (account_id, key, value, day, channel, country, status, price_unit, born_on, archived) DO UPDATE SET
    count = count + excluded.count, segments = segments + excluded.segments, price = price + excluded.price`;

/**
 * Deletes the rows the object now holds, each only if unchanged since it was read (same projection_seq): a
 * projection that landed meanwhile keeps its row, and the next run writes the day again with it. Deleting a
 * row runs the usage rollups' delete triggers, which would take an archived message out of usage; the same
 * batch (one transaction) first adds each row back as the archive's, so usage stays as it was.
 */
export async function deleteArchivedRows(db: Database, rows: StoredMessage[]): Promise<void> {
  if (rows.length === 0) return;
  const list = JSON.stringify(rows.map((row) => ({ id: row.id, seq: row.projectionSeq })));
  const d1 = db.$client;
  await d1.batch([USAGE_BACK, METADATA_USAGE_BACK, `DELETE FROM messages WHERE ${GONE}`].map((statement) => d1.prepare(statement).bind(list)));
}

/** The expired rows' usage columns as one JSON parameter, read as the rollups' delete triggers read a deleted row. */
const EXPIRED = `(SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.accountId') AS account_id, json_extract(value, '$.createdAt') AS created_at,
  json_extract(value, '$.channel') AS channel, json_extract(value, '$.country') AS country, json_extract(value, '$.apiKeyId') AS api_key_id,
  json_extract(value, '$.status') AS status, json_extract(value, '$.priceUnit') AS price_unit, json_extract(value, '$.segments') AS segments,
  json_extract(value, '$.price') AS price, json_extract(value, '$.metadata') AS metadata FROM json_each(?1)
  WHERE json_extract(value, '$.direction') = 'outbound')`;
const USAGE_OUT = `INSERT INTO usage_rollups (account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived, count, segments, price)
  SELECT account_id, date(created_at, 'unixepoch'), channel, coalesce(country, ''), coalesce(api_key_id, ''), status, coalesce(price_unit, ''),
    substr(id, -4), 1, -1, -coalesce(segments, 0), -coalesce(price, 0) FROM ${EXPIRED} WHERE true
  ON CONFLICT (account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived) DO UPDATE SET
    count = count + excluded.count, segments = segments + excluded.segments, price = price + excluded.price`;
const METADATA_USAGE_OUT = `INSERT INTO usage_metadata_rollups (account_id, key, value, day, channel, country, status, price_unit, born_on, archived, count, segments, price)
  SELECT r.account_id, j.key, j.value, date(r.created_at, 'unixepoch'), r.channel, coalesce(r.country, ''), r.status, coalesce(r.price_unit, ''),
    substr(r.id, -4), 1, -1, -coalesce(r.segments, 0), -coalesce(r.price, 0) FROM ${EXPIRED} r, json_each(r.metadata) j WHERE r.metadata IS NOT NULL
  ON CONFLICT (account_id, key, value, day, channel, country, status, price_unit, born_on, archived) DO UPDATE SET
    count = count + excluded.count, segments = segments + excluded.segments, price = price + excluded.price`;

/**
 * Takes expired archived messages out of usage, as deleting their rows would have (retention deletes a message's
 * usage with it, docs/pricing.md), on the database that holds the rollups of their shard; in one batch.
 */
export async function removeArchivedUsage(db: Database, rows: StoredMessage[]): Promise<void> {
  if (rows.length === 0) return;
  const list = JSON.stringify(
    rows.map(({ id, accountId, createdAt, channel, country, apiKeyId, status, priceUnit, segments, price, metadata, direction }) => ({
      id,
      accountId,
      createdAt,
      channel,
      country,
      apiKeyId,
      status,
      priceUnit,
      segments,
      price,
      metadata,
      direction,
    })),
  );
  const d1 = db.$client;
  await d1.batch([USAGE_OUT, METADATA_USAGE_OUT].map((statement) => d1.prepare(statement).bind(list)));
}
