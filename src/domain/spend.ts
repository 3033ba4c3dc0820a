// Spend control in money: an account's limits per UTC day and month, and its
// usage alerts, all in ten-thousandths of its currency (price.ts). The
// account's gate counts what its creates were estimated to cost (the price
// at create) and applies these rules, with no D1 read.
import { z } from "zod";
import { amountSchema, formatAmount } from "./price.ts";

const SPEND_WINDOWS = ["day", "month"] as const;
export type SpendWindow = (typeof SPEND_WINDOWS)[number];

/** Posted `usage.threshold_reached` once per window, when the window's spend passes `threshold`. */
export interface UsageAlert {
  threshold: number;
  window: SpendWindow;
  url: string;
}

/** At most this many alerts per account. */
const MAX_USAGE_ALERTS = 10;

/** The window a moment falls in: "2026-12-03" (day) or "2026-12" (month), UTC. */
export function windowOf(window: SpendWindow, ms: number): string {
  const day = new Date(ms).toISOString().slice(0, 10);
  return window === "day" ? day : day.slice(0, 7);
}

/** Spend so far in each window, in ten-thousandths. */
export interface Spent {
  day: number;
  month: number;
}

/** Whether the account's gate counts its spend: it has a spend limit or a usage alert. */
export function spendWatched(account: { spendLimitDaily: number | null; spendLimitMonthly: number | null; usageAlerts: UsageAlert[] | null }): boolean {
  return account.spendLimitDaily !== null || account.spendLimitMonthly !== null || (account.usageAlerts?.length ?? 0) > 0;
}

/** The window whose limit `amount` more would pass, or null: the spend may go ahead. */
export function limitPassed(spent: Spent, amount: number, limits: { daily: number | null; monthly: number | null }): SpendWindow | null {
  if (limits.daily !== null && spent.day + amount > limits.daily) return "day";
  if (limits.monthly !== null && spent.month + amount > limits.monthly) return "month";
  return null;
}

/** The alerts whose threshold the spend passed going from `before` to `after` (each window's own figures). */
export function alertsPassed(alerts: readonly UsageAlert[], before: Spent, after: Spent): UsageAlert[] {
  return alerts.filter((alert) => before[alert.window] < alert.threshold && after[alert.window] >= alert.threshold);
}

// null (or "" in a form body, which cannot say null) removes a limit.
const removableAmount = z.preprocess((value) => (value === "" ? null : value), amountSchema.nullable());

/** The request's form of the account's spend settings (POST /v1/account). */
export const spendLimitsSchema = z
  .strictObject({
    daily: removableAmount.optional().meta({ description: 'Most the account may spend per UTC day, e.g. "50.00"; null removes it.' }),
    monthly: removableAmount.optional().meta({ description: "Most the account may spend per UTC month; null removes it." }),
  })
  .meta({ description: "Spend limits in the account's currency: a create whose estimated price would pass one is a 402 spend_limit_reached." });

export function usageAlertsSchema(url: z.ZodType<string>) {
  return z
    .array(
      z.strictObject({
        threshold: amountSchema.meta({ description: 'Spend in the window that fires the alert, e.g. "100.00".' }),
        window: z.enum(SPEND_WINDOWS, { error: "must be day or month" }),
        url,
      }),
    )
    .max(MAX_USAGE_ALERTS, `at most ${MAX_USAGE_ALERTS} usage alerts`)
    .meta({ description: "The account's usage alerts, replacing any set before (an empty list removes them)." });
}

/** The account's spend settings as the account object shows them. */
export function spendObject(account: { spendLimitDaily: number | null; spendLimitMonthly: number | null; usageAlerts: UsageAlert[] | null }) {
  const amount = (value: number | null) => (value === null ? null : formatAmount(value));
  return {
    spend_limits: { daily: amount(account.spendLimitDaily), monthly: amount(account.spendLimitMonthly) },
    usage_alerts: (account.usageAlerts ?? []).map(({ threshold, window, url }) => ({ threshold: formatAmount(threshold), window, url })),
  };
}
