// Storage as hot D1 plus the R2 archive, for npm run capacity: what a hot
// window costs, and the longest one whose messages fit D1's bytes per account.
import { PUBLISHED } from "./capacity-published.ts";
import type { SchemaCost } from "./capacity-schema.ts";

/** The rate (messages/s), the retention and hot window (days) and the fill every database is planned to. */
export interface Plan {
  rate: number;
  retentionDays: number;
  hotDays: number;
  fill: number;
}

const fmt = (value: number, digits = 2) => value.toLocaleString("en", { maximumFractionDigits: digits });

export interface StoragePlan {
  /** Whole days (ARCHIVE_HOT_DAYS): 0 when not even one day fits. */
  hotDays: number;
  hotBytes: number;
  monthly: number;
}

/**
 * The longest hot window (whole days, as ARCHIVE_HOT_DAYS takes it) whose messages fit in D1's published bytes per
 * account at `fill` (the headroom every database is planned with), at most the retention, and what storage costs a
 * month with it: the hot days in D1, the rest of the retention in R2 as the archive's rows.
 */
export function largestHotWindow(
  perDay: number,
  retentionDays: number,
  bytes: { d1: number; archived: number },
  fill: number,
  prices = { d1GbMonth: PUBLISHED.prices.d1GbMonth, r2GbMonth: PUBLISHED.r2.gbMonth },
): StoragePlan {
  const hotDays = Math.min(retentionDays, Math.floor((PUBLISHED.d1.accountBytes * fill) / (perDay * bytes.d1)));
  const hotBytes = perDay * hotDays * bytes.d1;
  const coldBytes = perDay * (retentionDays - hotDays) * bytes.archived;
  return { hotDays, hotBytes, monthly: (hotBytes / 1e9) * prices.d1GbMonth + (coldBytes / 1e9) * prices.r2GbMonth };
}

/** Messages per archived part (PART_SIZE in src/services/archive.ts): an SMS's part is cut by count, not characters. */
const ARCHIVE_PART_SIZE = 5_000;
/** Class B operations a new part costs (src/services/archive-step.ts): a head of its key, the previous part's, the read-back. */
const ARCHIVE_PART_READS = 3;

/** Storage as hot D1 plus cold R2: what an archive of the messages past a hot window would cost (docs/scale.md says what is built). */
export function archivePlan(plan: Plan, schema: SchemaCost, allInD1Bytes: number): string[][] {
  const { rate, retentionDays, hotDays, fill } = plan;
  const p = PUBLISHED;
  const perDay = rate * 86_400;
  const hotBytes = perDay * hotDays * schema.bytesPerMessage;
  const coldMessages = perDay * (retentionDays - hotDays);
  const coldBytes = coldMessages * schema.archivedBytesPerMessage;
  const d1Monthly = (hotBytes / 1e9) * p.prices.d1GbMonth;
  const r2Monthly = (coldBytes / 1e9) * p.r2.gbMonth;
  const fitsDays = (p.d1.accountBytes * fill) / (perDay * schema.bytesPerMessage);
  const allInD1Monthly = (allInD1Bytes / 1e9) * p.prices.d1GbMonth;
  const partsPerDay = perDay / ARCHIVE_PART_SIZE;
  return [
    [
      "hot window in D1",
      `${fmt(hotDays)} days`,
      `${fmt(hotBytes / 1e12)} TB in D1 (${fmt(Math.ceil(hotBytes / (p.d1.databaseBytes * fill)))} databases for storage); D1's 1 TB per account at ${fill * 100}% fill holds ${fmt(fitsDays)} days at this rate`,
    ],
    [
      "cold messages in R2",
      `${fmt(coldMessages / 1e9)} billion`,
      `${fmt(coldBytes / 1e12)} TB as rows' JSON (${fmt(schema.archivedBytesPerMessage, 0)} bytes a message, uncompressed: an upper bound; gzipped a day at a time the seeded rows take ${fmt(schema.archivedGzipBytesPerMessage, 0)}, a floor)`,
    ],
    [
      "storage a month",
      `$${fmt(d1Monthly + r2Monthly, 0)}`,
      `$${fmt(d1Monthly, 0)} D1 + $${fmt(r2Monthly, 0)} R2 (${p.r2.source}), against $${fmt(allInD1Monthly, 0)} with every message in D1`,
    ],
    [
      "R2 operations",
      `$${fmt(partsPerDay * 30 * ((p.r2.classA + ARCHIVE_PART_READS * p.r2.classB) / 1e6), 0)} a month`,
      `${fmt(partsPerDay, 0)} parts a day (${fmt(ARCHIVE_PART_SIZE)} messages each, src/services/archive.ts), each 1 Class A ($${p.r2.classA}/M) and ${ARCHIVE_PART_READS} Class B ($${p.r2.classB}/M); plus one Class B per archived read`,
    ],
  ];
}
