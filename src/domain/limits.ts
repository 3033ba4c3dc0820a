// The request rate and daily message limits of an account: defaults here,
// per-account overrides in the accounts table (`npm run keys -- limits`).
import type { Account } from "./account.ts";
import type { BucketPolicy } from "./token-bucket.ts";

const DEFAULT_LIMITS = {
  /** Sustained requests per second per API key. */
  requestsPerSecond: 100,
  /** A key may burst this many seconds' worth of requests at once. */
  burstSeconds: 2,
  /** Messages per channel per UTC day, live mode only: bounds what a leaked key can spend. */
  dailyMessagesPerChannel: 1000,
} as const;

export interface AccountLimits {
  bucket: BucketPolicy;
  /** Null in test mode: test messages are never sent to a provider, so they cost nothing. */
  dailyMessagesPerChannel: number | null;
}

export function accountLimits(account: Pick<Account, "mode" | "rateLimitRps" | "dailyMessageLimit">): AccountLimits {
  const ratePerSecond = account.rateLimitRps ?? DEFAULT_LIMITS.requestsPerSecond;
  return {
    bucket: { ratePerSecond, capacity: ratePerSecond * DEFAULT_LIMITS.burstSeconds },
    dailyMessagesPerChannel: account.mode === "live" ? (account.dailyMessageLimit ?? DEFAULT_LIMITS.dailyMessagesPerChannel) : null,
  };
}

/** The UTC day a moment falls in, as YYYY-MM-DD. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function secondsUntilNextUtcDay(ms: number): number {
  const next = new Date(ms);
  next.setUTCHours(24, 0, 0, 0);
  return Math.ceil((next.getTime() - ms) / 1000);
}
