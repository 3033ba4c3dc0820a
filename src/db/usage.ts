// The usage rollups of one message database (usage_rollups, kept by triggers
// on messages): an account's sums over a period of days, grouped, counting
// only the messages this database holds for the account (bornOn).
import { and, between, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { shardSuffix } from "../domain/ids.ts";
import type { UsageGroup, UsagePeriod, UsageRow } from "../domain/usage.ts";
import type { Database } from "./client.ts";
import { usageMetadataRollups, usageRollups } from "./message-schema.ts";

/**
 * The figures of messages created on one of `bornOn` (the shards whose messages this database holds for the
 * account: during a shard move the target's copies are not among them until the flip), and those from before
 * the rollups recorded the shard ("").
 */
function heldHere(column: SQLiteColumn, bornOn: readonly number[]): SQL {
  return inArray(column, ["", ...bornOn.map(shardSuffix)]);
}

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
export async function usageOnShard(
  db: Database,
  accountId: string,
  bornOn: readonly number[],
  period: UsagePeriod,
  groups: readonly UsageGroup[],
): Promise<UsageRow[]> {
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
    .where(and(eq(usageRollups.accountId, accountId), between(usageRollups.day, period.start, period.end), heldHere(usageRollups.bornOn, bornOn)))
    .groupBy(...grouping);
  return rows.map(({ priceUnit, count, segments, price, ...found }) => ({
    keys: Object.fromEntries(groups.map((group) => [group, (found as Record<string, string | null>)[group] ?? null])),
    priceUnit,
    count: Number(count),
    segments: Number(segments),
    price: Number(price),
  }));
}

const METADATA_COLUMNS: Record<Exclude<UsageGroup, "api_key">, SQL> = {
  channel: sql`${usageMetadataRollups.channel}`,
  country: sql`nullif(${usageMetadataRollups.country}, '')`,
  day: sql`${usageMetadataRollups.day}`,
  month: sql`substr(${usageMetadataRollups.day}, 1, 7)`,
  status: sql`${usageMetadataRollups.status}`,
};

/** The account's usage on this database by one metadata key's values (messages without the key are not here: see withoutKey). */
export async function metadataUsageOnShard(
  db: Database,
  accountId: string,
  bornOn: readonly number[],
  period: UsagePeriod,
  groups: readonly Exclude<UsageGroup, "api_key">[],
  key: string,
): Promise<UsageRow[]> {
  const t = usageMetadataRollups;
  const keys = Object.fromEntries(groups.map((group) => [group, METADATA_COLUMNS[group].as(`g_${group}`)]));
  const rows = await db
    .select({
      ...keys,
      value: t.value,
      priceUnit: t.priceUnit,
      count: sql<number>`sum(${t.count})`.as("sum_count"),
      segments: sql<number>`sum(${t.segments})`.as("sum_segments"),
      price: sql<number>`sum(${t.price})`.as("sum_price"),
    })
    .from(t)
    .where(and(eq(t.accountId, accountId), eq(t.key, key), between(t.day, period.start, period.end), heldHere(t.bornOn, bornOn)))
    .groupBy(...groups.map((group) => METADATA_COLUMNS[group]), t.value, t.priceUnit);
  return rows.map(({ value, priceUnit, count, segments, price, ...found }) => ({
    keys: { ...Object.fromEntries(groups.map((group) => [group, (found as Record<string, string | null>)[group] ?? null])), metadata: value },
    priceUnit,
    count: Number(count),
    segments: Number(segments),
    price: Number(price),
  }));
}
