// The targets npm run capacity checks (issue 30), each printed met or not met
// with the figures it was judged on. Rows written are the bench's measured
// ones (D1's meta.rows_written and an object's rowsWritten, what Cloudflare
// bills), so the usage rollups' triggers and SQLite's own bookkeeping count.
import { PUBLISHED } from "./capacity-published.ts";
import type { StoragePlan } from "./capacity-storage.ts";

const TARGETS = {
  /** US dollars of Cloudflare operations per million SMS, at list prices. */
  costPerMillion: 10,
  d1RowsPerSms: 6,
  objectRowsPerSms: 4,
  /** A tenth of the $12,939 a month the 2026-11-30 plan paid for 30 days in D1 at 10,000 messages/s. */
  storageMonthly: 1_294,
} as const;

export interface TargetFigures {
  costPerMillion: number;
  d1RowsPerSms: number;
  /** Where d1RowsPerSms comes from (measured by the bench, or the schema's count when the run did not count rows). */
  d1RowsKind: string;
  objectRowsPerSms: number;
  rate: number;
  retentionDays: number;
  storage: StoragePlan;
  /** Message objects retention empties a minute, against those created: a month kept needs the first to keep up. */
  expiredPerMinute: number;
}

const usd = (value: number) => `$${value.toLocaleString("en", { maximumFractionDigits: 2 })}`;
const num = (value: number) => value.toLocaleString("en", { maximumFractionDigits: 2 });
const verdict = (met: boolean) => (met ? "**met**" : "**not met**");

/** The targets' table rows: target, figure, verdict. */
export function targetRows(f: TargetFigures): string[][] {
  const { storage } = f;
  const fits = storage.hotDays >= 1;
  const keepsUp = f.expiredPerMinute >= f.rate * 60;
  return [
    [`Cost per million SMS <= ${usd(TARGETS.costPerMillion)}`, usd(f.costPerMillion), verdict(f.costPerMillion <= TARGETS.costPerMillion)],
    [`D1 rows written per SMS <= ${TARGETS.d1RowsPerSms}`, `${num(f.d1RowsPerSms)} (${f.d1RowsKind})`, verdict(f.d1RowsPerSms <= TARGETS.d1RowsPerSms)],
    [`Object storage rows written per SMS <= ${TARGETS.objectRowsPerSms}`, num(f.objectRowsPerSms), verdict(f.objectRowsPerSms <= TARGETS.objectRowsPerSms)],
    [
      `A month at ${num(f.rate)} messages/s: the hot window in D1's ${num(PUBLISHED.d1.accountBytes / 1e12)} TB per account, storage <= ${usd(TARGETS.storageMonthly)} a month`,
      `${
        fits
          ? `ARCHIVE_HOT_DAYS=${storage.hotDays} at most (${num(storage.hotBytes / 1e12)} TB in D1, rows and indexes); storage ${usd(Math.round(storage.monthly))} a month with it (the other ${f.retentionDays - storage.hotDays} days in R2)`
          : "not even one day of messages fits"
      }${keepsUp ? "" : `; but retention empties ${num(f.expiredPerMinute)} message objects a minute against ${num(f.rate * 60)} created, so older messages pile up past the month`}`,
      verdict(fits && keepsUp && storage.monthly <= TARGETS.storageMonthly),
    ],
  ];
}
