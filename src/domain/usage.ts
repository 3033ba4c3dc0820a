// GET /v1/usage: an account's messages counted and priced over a period of
// UTC days, grouped by any of its dimensions. Read from the usage rollups
// (src/db/message-schema.ts), summed over the account's message databases.
import { z } from "zod";
import { formatAmount } from "./price.ts";

const USAGE_GROUPS = ["channel", "country", "day", "month", "api_key", "status"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** group_by=metadata[team]: a metadata key (its rules: src/domain/metadata.ts). */
const METADATA_GROUP = /^metadata\[([A-Za-z0-9_-]{1,40})\]$/;

/** What group_by asks: the dimensions, and a metadata key or null. */
export interface UsageGrouping {
  groups: UsageGroup[];
  metadataKey: string | null;
}

/** The longest period one request may ask for, in days. */
const MAX_USAGE_DAYS = 400;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day (not 2026-02-30, which Date would roll over, nor 2026-13-01, which it cannot read). */
function isDay(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return DAY.test(value) && !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value);
}
const daySchema = z.string().refine(isDay, "must be a UTC date as YYYY-MM-DD, e.g. 2026-12-01");

/** The query of GET /v1/usage, as the route validates it. */
export const usageQuerySchema = z
  .strictObject({
    start: daySchema.optional().meta({ description: "First UTC day counted (YYYY-MM-DD); default: the first day of this month" }),
    end: daySchema.optional().meta({ description: "Last UTC day counted (YYYY-MM-DD), inclusive; default: today" }),
    group_by: z
      .string()
      .optional()
      .transform((value, ctx): UsageGrouping => {
        const named = value === undefined || value === "" ? [] : value.split(",");
        const keys = named.map((group) => METADATA_GROUP.exec(group)?.[1]).filter((key) => key !== undefined);
        const groups = named.filter((group) => !METADATA_GROUP.test(group));
        const unknown = groups.find((group) => !(USAGE_GROUPS as readonly string[]).includes(group));
        const problem =
          unknown !== undefined
            ? `unknown group '${unknown.slice(0, 40)}': use any of ${USAGE_GROUPS.join(", ")} or metadata[key]`
            : new Set(named).size !== named.length
              ? "names a group twice"
              : groups.includes("day") && groups.includes("month")
                ? "group by day or by month, not both"
                : keys.length > 1
                  ? "group by one metadata key at most"
                  : keys.length === 1 && groups.includes("api_key")
                    ? "metadata[key] and api_key cannot be grouped together"
                    : null;
        if (problem) ctx.addIssue({ code: "custom", message: problem });
        return { groups: groups as UsageGroup[], metadataKey: keys[0] ?? null };
      })
      .meta({ description: `Comma-separated, any of ${USAGE_GROUPS.join(", ")}, and one metadata[key] (not with api_key); none: one total per currency` }),
  })
  .meta({ description: "A period of UTC days and the dimensions to group by" });

export interface UsagePeriod {
  start: string;
  end: string;
}

/** The period asked for, defaulted; a message when it is backwards or too long. */
export function usagePeriod(query: { start?: string; end?: string }, now: number): UsagePeriod | { error: string; param: string } {
  const today = new Date(now).toISOString().slice(0, 10);
  const start = query.start ?? `${today.slice(0, 7)}-01`;
  const end = query.end ?? today;
  if (end < start) return { error: "end is before start", param: "end" };
  const days = (Date.parse(end) - Date.parse(start)) / 86_400_000 + 1;
  if (days > MAX_USAGE_DAYS) return { error: `a period is at most ${MAX_USAGE_DAYS} days`, param: "start" };
  return { start, end };
}

/** One group's sums, as the rollups of one database give them. */
export interface UsageRow {
  /** The groups' values; `metadata`: the asked key's value (null: messages without the key). */
  keys: Partial<Record<UsageGroup | "metadata", string | null>>;
  priceUnit: string;
  count: number;
  segments: number;
  price: number;
}

/** The groups of several databases summed (an account's messages may lie on several), in the order of their keys. */
export function mergeUsage(parts: readonly UsageRow[][]): UsageRow[] {
  const merged = new Map<string, UsageRow>();
  for (const row of parts.flat()) {
    const key = JSON.stringify([row.keys, row.priceUnit]);
    const held = merged.get(key);
    if (held) Object.assign(held, { count: held.count + row.count, segments: held.segments + row.segments, price: held.price + row.price });
    else merged.set(key, { ...row, keys: { ...row.keys } });
  }
  // Groups whose figures netted to nothing (every message of them deleted) are not shown.
  return [...merged]
    .filter(([, row]) => row.count !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

/**
 * The metadata groups completed: the messages without the key are each
 * group's total (of `totals`, grouped by the same other dimensions) less its
 * metadata groups, shown with the key's value null.
 */
export function withoutKey(totals: readonly UsageRow[], byKey: readonly UsageRow[]): UsageRow[] {
  const rest = totals.map((total) => {
    const same = byKey.filter((row) => row.priceUnit === total.priceUnit && sameGroups(row.keys, total.keys));
    const sum = (field: "count" | "segments" | "price") => total[field] - same.reduce((acc, row) => acc + row[field], 0);
    return { keys: { ...total.keys, metadata: null }, priceUnit: total.priceUnit, count: sum("count"), segments: sum("segments"), price: sum("price") };
  });
  return [...byKey, ...rest];
}

function sameGroups(withKey: UsageRow["keys"], total: UsageRow["keys"]): boolean {
  return Object.entries(total).every(([group, value]) => withKey[group as UsageGroup] === value);
}

/** One group as the API shows it: its keys (a metadata key's as `metadata: { key: value }`), then count, segments, price and price_unit. */
export function toUsageObject(row: UsageRow, metadataKey: string | null = null) {
  const { metadata, ...keys } = row.keys;
  return {
    ...keys,
    ...(metadataKey === null ? {} : { metadata: { [metadataKey]: metadata ?? null } }),
    count: row.count,
    segments: row.segments,
    // Unpriced messages (no rate) are counted with a price of 0 and no currency.
    price: formatAmount(row.price),
    price_unit: row.priceUnit === "" ? null : row.priceUnit,
  };
}
