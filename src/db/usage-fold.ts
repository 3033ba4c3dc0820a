// A projection batch's usage, moved by the batch itself: the rollups' update
// triggers write two upserts per changed row (out of its old group, into its
// new one); a batch of many rows of few groups (one account's campaign) moves
// each group once instead. The statements run in the batch's transaction
// before its guarded UPDATEs, so they read each row as its UPDATE finds it
// and take the same guard: a row the batch changes is moved once, a
// projection already applied (a redelivery) moves nothing. Meanwhile
// usage_fold is set, and the update triggers stand aside (migrations/messages/0008).
// A batch create's inserts likewise add each group once (insertsWithUsageFold)
// instead of the insert triggers' upsert per row (which stand aside since 0010).
import { type Database, prepared } from "./client.ts";
import { usageFold } from "./message-schema.ts";

/** What the fold reads of a projection: the row's guard and the columns of the rollups' key and sums it changes. */
export interface FoldedProjection {
  messageId: string;
  accountId: string;
  seq: number;
  status: string;
  price: number | null;
}

/** The rows the batch changes: each with its projection (p), under the UPDATE's guard, as the update triggers' WHEN has it (a projection leaves price_unit as it is). */
const changed = (byKey = "") => `json_each(?1) AS p JOIN messages AS m ON m.id = (p.value ->> 'id') ${byKey}
  WHERE m.projection_seq < (p.value ->> 'seq') AND m.direction = 'outbound'
    AND (m.status IS NOT (p.value ->> 'status') OR m.price IS NOT (p.value ->> 'price'))`;

const ADD = "count = count + excluded.count, segments = segments + excluded.segments, price = price + excluded.price";

const USAGE_MOVES = `INSERT INTO usage_rollups (account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived, count, segments, price)
  SELECT account_id, day, channel, country, api_key_id, status, price_unit, born_on, 0, sum(n), sum(s), sum(v) FROM (
    SELECT m.account_id AS account_id, date(m.created_at, 'unixepoch') AS day, m.channel AS channel, coalesce(m.country, '') AS country,
      coalesce(m.api_key_id, '') AS api_key_id, m.status AS status, coalesce(m.price_unit, '') AS price_unit, substr(m.id, -4) AS born_on,
      -1 AS n, -coalesce(m.segments, 0) AS s, -coalesce(m.price, 0) AS v
    FROM ${changed()}
    UNION ALL
    SELECT m.account_id, date(m.created_at, 'unixepoch'), m.channel, coalesce(m.country, ''), coalesce(m.api_key_id, ''), (p.value ->> 'status'),
      coalesce(m.price_unit, ''), substr(m.id, -4), 1, coalesce(m.segments, 0), coalesce((p.value ->> 'price'), 0)
    FROM ${changed()}
  )
  GROUP BY account_id, day, channel, country, api_key_id, status, price_unit, born_on
  HAVING sum(n) <> 0 OR sum(s) <> 0 OR sum(v) <> 0
  ON CONFLICT (account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived) DO UPDATE SET ${ADD}`;

// Each key and value of a row's metadata (none without).
const EACH_KEY = "JOIN json_each(m.metadata) AS k";

const METADATA_MOVES = `INSERT INTO usage_metadata_rollups (account_id, key, value, day, channel, country, status, price_unit, born_on, archived, count, segments, price)
  SELECT account_id, key, value, day, channel, country, status, price_unit, born_on, 0, sum(n), sum(s), sum(v) FROM (
    SELECT m.account_id AS account_id, k.key AS key, k.value AS value, date(m.created_at, 'unixepoch') AS day, m.channel AS channel,
      coalesce(m.country, '') AS country, m.status AS status, coalesce(m.price_unit, '') AS price_unit, substr(m.id, -4) AS born_on,
      -1 AS n, -coalesce(m.segments, 0) AS s, -coalesce(m.price, 0) AS v
    FROM ${changed(EACH_KEY)}
    UNION ALL
    SELECT m.account_id, k.key, k.value, date(m.created_at, 'unixepoch'), m.channel, coalesce(m.country, ''), (p.value ->> 'status'),
      coalesce(m.price_unit, ''), substr(m.id, -4), 1, coalesce(m.segments, 0), coalesce((p.value ->> 'price'), 0)
    FROM ${changed(EACH_KEY)}
  )
  GROUP BY account_id, key, value, day, channel, country, status, price_unit, born_on
  HAVING sum(n) <> 0 OR sum(s) <> 0 OR sum(v) <> 0
  ON CONFLICT (account_id, key, value, day, channel, country, status, price_unit, born_on, archived) DO UPDATE SET ${ADD}`;

/**
 * Runs the batch's UPDATEs (drizzle queries) in one D1 batch with the fold
 * around them: before them, the fold set and every group's move; after them,
 * the fold cleared (see foldsUsage for when).
 */
export async function batchWithUsageFold(db: Database, projections: FoldedProjection[], updates: { toSQL(): { sql: string; params: unknown[] } }[]) {
  const d1 = db.$client;
  const list = JSON.stringify(projections.map(({ messageId, seq, status, price }) => ({ id: messageId, seq, status, price })));
  await d1.batch([
    prepared(db, db.insert(usageFold).values({ id: 1 })),
    d1.prepare(USAGE_MOVES).bind(list),
    d1.prepare(METADATA_MOVES).bind(list),
    ...updates.map((update) => prepared(db, update)),
    prepared(db, db.delete(usageFold)),
  ]);
}

/**
 * Whether the batch moves its usage itself: when that writes fewer rows. The
 * triggers write 2 per row; the fold 2 (set and cleared) and about 2 per
 * account and new status (out of the old group, into the new), so it pays
 * when those are fewer than the rows less one: from 3 rows of one account and
 * status up. It needs each message once (each move reads the row as it was
 * before the batch).
 */
export function foldsUsage(projections: readonly FoldedProjection[]): boolean {
  const groups = new Set(projections.map(({ accountId, status }) => `${accountId} ${status}`)).size;
  return groups < projections.length - 1 && new Set(projections.map(({ messageId }) => messageId)).size === projections.length;
}

const GROUPS = "account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived";

/** The inserted rows (their ids, ?1) added to usage per group, as the insert trigger adds each one. */
const USAGE_ADDS = `INSERT INTO usage_rollups (${GROUPS}, count, segments, price)
  SELECT m.account_id, date(m.created_at, 'unixepoch'), m.channel, coalesce(m.country, ''), coalesce(m.api_key_id, ''), m.status,
    coalesce(m.price_unit, ''), substr(m.id, -4), 0, count(*), sum(coalesce(m.segments, 0)), sum(coalesce(m.price, 0))
  FROM json_each(?1) AS i JOIN messages AS m ON m.id = i.value WHERE m.direction = 'outbound'
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ON CONFLICT (${GROUPS}) DO UPDATE SET ${ADD}`;

const METADATA_GROUPS = "account_id, key, value, day, channel, country, status, price_unit, born_on, archived";

const METADATA_ADDS = `INSERT INTO usage_metadata_rollups (${METADATA_GROUPS}, count, segments, price)
  SELECT m.account_id, k.key, k.value, date(m.created_at, 'unixepoch'), m.channel, coalesce(m.country, ''), m.status,
    coalesce(m.price_unit, ''), substr(m.id, -4), 0, count(*), sum(coalesce(m.segments, 0)), sum(coalesce(m.price, 0))
  FROM json_each(?1) AS i JOIN messages AS m ON m.id = i.value ${EACH_KEY} WHERE m.direction = 'outbound'
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT (${METADATA_GROUPS}) DO UPDATE SET ${ADD}`;

/**
 * From this many rows a batch create's inserts add their usage themselves: the fold writes 1 row (usage_fold set;
 * its clearing is a removal, not billed) and 1 per group, the triggers 1 per row; a batch's rows share their
 * groups (one account, one day, mostly one channel, country and key, all queued).
 */
export const FOLD_INSERTS_FROM = 3;

/** A batch create's inserts (of the rows `ids`) in one D1 batch with the fold around them: set, inserts, adds, cleared. */
export function insertsWithUsageFold(db: Database, ids: string[], inserts: D1PreparedStatement[]): D1PreparedStatement[] {
  const d1 = db.$client;
  const list = JSON.stringify(ids);
  return [
    d1.prepare("INSERT INTO usage_fold (id) VALUES (1)"),
    ...inserts,
    d1.prepare(USAGE_ADDS).bind(list),
    d1.prepare(METADATA_ADDS).bind(list),
    d1.prepare("DELETE FROM usage_fold"),
  ];
}
