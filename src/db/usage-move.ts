// The usage rollups' side of a shard move. The triggers count the copied
// messages at the target as they land (under the shards they were created
// on, read there only from the flip: src/db/usage.ts), but the archive's
// figures (archived = 1: messages no longer in D1) have no row to copy: the
// move carries them itself, and drops the account's rollups at the source
// once its messages are gone from there.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { usageMetadataRollups, usageRollups } from "./message-schema.ts";

type UsageRollup = Omit<typeof usageRollups.$inferSelect, "archived">;
type MetadataRollup = Omit<typeof usageMetadataRollups.$inferSelect, "archived">;

export interface ArchivedUsage {
  rollups: UsageRollup[];
  metadata: MetadataRollup[];
}

/**
 * The account's archived figures on this database (a row per day and group: no more than its archived days'
 * groups), those from before the rollups recorded a shard ("": the database's own) put under `ownSuffix`.
 */
export async function archivedUsage(db: Database, accountId: string, ownSuffix: string): Promise<ArchivedUsage> {
  const sums = (t: typeof usageRollups | typeof usageMetadataRollups) => ({
    bornOn: sql<string>`coalesce(nullif(${t.bornOn}, ''), ${ownSuffix})`.as("origin"),
    count: sql<number>`sum(${t.count})`.as("sum_count"),
    segments: sql<number>`sum(${t.segments})`.as("sum_segments"),
    price: sql<number>`sum(${t.price})`.as("sum_price"),
  });
  const u = usageRollups;
  const m = usageMetadataRollups;
  const [rollups, metadata] = await db.batch([
    db
      .select({
        accountId: u.accountId,
        day: u.day,
        channel: u.channel,
        country: u.country,
        apiKeyId: u.apiKeyId,
        status: u.status,
        priceUnit: u.priceUnit,
        ...sums(u),
      })
      .from(u)
      .where(and(eq(u.accountId, accountId), eq(u.archived, 1)))
      .groupBy(u.day, u.channel, u.country, u.apiKeyId, u.status, u.priceUnit, sql`origin`),
    db
      .select({
        accountId: m.accountId,
        key: m.key,
        value: m.value,
        day: m.day,
        channel: m.channel,
        country: m.country,
        status: m.status,
        priceUnit: m.priceUnit,
        ...sums(m),
      })
      .from(m)
      .where(and(eq(m.accountId, accountId), eq(m.archived, 1)))
      .groupBy(m.key, m.value, m.day, m.channel, m.country, m.status, m.priceUnit, sql`origin`),
  ]);
  return { rollups, metadata };
}

// Rows per statement: each travels as one JSON parameter (D1 binds at most 100 parameters).
const ROWS_PER_STATEMENT = 500;

const chunks = <T>(rows: T[]): T[][] =>
  Array.from({ length: Math.ceil(rows.length / ROWS_PER_STATEMENT) }, (_, i) => rows.slice(i * ROWS_PER_STATEMENT, (i + 1) * ROWS_PER_STATEMENT));

const OVERWRITE = "ON CONFLICT DO UPDATE SET count = excluded.count, segments = excluded.segments, price = excluded.price";

/**
 * Writes the source's archived figures at the target as they stand there
 * (set, not added: a repeated step, or the second carry after the flip,
 * writes the same figures), each under the shard its messages were created
 * on, so the target counts them from the flip on.
 */
export async function writeArchivedUsage(db: Database, usage: ArchivedUsage): Promise<void> {
  const d1 = db.$client;
  const statements = [
    ...chunks(usage.rollups).map((rows) =>
      d1
        .prepare(
          `INSERT INTO usage_rollups (account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived, count, segments, price)
            SELECT r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, r->>7, 1, r->>8, r->>9, r->>10 FROM (SELECT value AS r FROM json_each(?1)) WHERE true ${OVERWRITE}`,
        )
        .bind(
          JSON.stringify(
            rows.map((row) => [
              row.accountId,
              row.day,
              row.channel,
              row.country,
              row.apiKeyId,
              row.status,
              row.priceUnit,
              row.bornOn,
              row.count,
              row.segments,
              row.price,
            ]),
          ),
        ),
    ),
    ...chunks(usage.metadata).map((rows) =>
      d1
        .prepare(
          `INSERT INTO usage_metadata_rollups (account_id, key, value, day, channel, country, status, price_unit, born_on, archived, count, segments, price)
            SELECT r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, r->>7, r->>8, 1, r->>9, r->>10, r->>11 FROM (SELECT value AS r FROM json_each(?1)) WHERE true ${OVERWRITE}`,
        )
        .bind(
          JSON.stringify(
            rows.map((row) => [
              row.accountId,
              row.key,
              row.value,
              row.day,
              row.channel,
              row.country,
              row.status,
              row.priceUnit,
              row.bornOn,
              row.count,
              row.segments,
              row.price,
            ]),
          ),
        ),
    ),
  ];
  const [first, ...rest] = statements;
  if (first) await d1.batch([first, ...rest]);
}

/** Deletes the account's rows of up to `limit` of its days in one rollup table; how many days. */
async function deleteDays(db: Database, t: typeof usageRollups | typeof usageMetadataRollups, accountId: string, limit: number): Promise<number> {
  const days = db.selectDistinct({ day: t.day }).from(t).where(eq(t.accountId, accountId)).orderBy(t.day).limit(limit);
  const deleted = await db
    .delete(t)
    .where(and(eq(t.accountId, accountId), inArray(t.day, days)))
    .returning({ day: t.day });
  return new Set(deleted.map(({ day }) => day)).size;
}

/**
 * Deletes the account's rollups of up to `limit` days here (both tables: a
 * day's rows are its groups, a bounded number); how many days it deleted. For
 * the source once a move has deleted every message it carried: a database the
 * account was moved off is never read for it again.
 */
export async function deleteAccountUsage(db: Database, accountId: string, limit: number): Promise<number> {
  const days = await deleteDays(db, usageRollups, accountId, limit);
  return days === limit ? limit : days + (await deleteDays(db, usageMetadataRollups, accountId, limit - days));
}
