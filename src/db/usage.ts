// The usage rollups of one message database (usage_rollups, kept by triggers
// on messages): an account's sums over a period of days, grouped.
import { and, between, eq, type SQL, sql } from "drizzle-orm";
import type { UsageGroup, UsagePeriod, UsageRow } from "../domain/usage.ts";
import type { Database } from "./client.ts";
import { usageRollups } from "./message-schema.ts";

const COLUMNS: Record<UsageGroup, SQL> = {
  channel: sql`${usageRollups.channel}`,
  // "" in the key stands for no country (email).
  country: sql`nullif(${usageRollups.country}, '')`,
  day: sql`${usageRollups.day}`,
  month: sql`substr(${usageRollups.day}, 1, 7)`,
  api_key: sql`nullif(${usageRollups.apiKeyId}, '')`,
  status: sql`${usageRollups.status}`,
};

/** The account's usage on this database over the period, one row per group and currency. */
export async function usageOnShard(db: Database, accountId: string, period: UsagePeriod, groups: readonly UsageGroup[]): Promise<UsageRow[]> {
  const keys = Object.fromEntries(groups.map((group) => [group, COLUMNS[group].as(`g_${group}`)]));
  const grouping = [...groups.map((group) => COLUMNS[group]), usageRollups.priceUnit];
  const rows = await db
    .select({
      ...keys,
      priceUnit: usageRollups.priceUnit,
      count: sql<number>`sum(${usageRollups.count})`.as("sum_count"),
      segments: sql<number>`sum(${usageRollups.segments})`.as("sum_segments"),
      price: sql<number>`sum(${usageRollups.price})`.as("sum_price"),
    })
    .from(usageRollups)
    .where(and(eq(usageRollups.accountId, accountId), between(usageRollups.day, period.start, period.end)))
    .groupBy(...grouping);
  return rows.map(({ priceUnit, count, segments, price, ...found }) => ({
    keys: Object.fromEntries(groups.map((group) => [group, (found as Record<string, string | null>)[group] ?? null])),
    priceUnit,
    count: Number(count),
    segments: Number(segments),
    price: Number(price),
  }));
}
