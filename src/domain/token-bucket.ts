// A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`.
// A request takes one token; an empty bucket refuses it. Pure, so the Durable
// Object that holds the buckets only keeps state and the math is tested alone.

export interface BucketPolicy {
  ratePerSecond: number;
  capacity: number;
}

export interface BucketState {
  tokens: number;
  atMs: number;
}

export interface TakeResult {
  state: BucketState;
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until one token is available (0 when this request was allowed). */
  retryAfterSeconds: number;
}

export function takeToken(previous: BucketState | undefined, policy: BucketPolicy, nowMs: number): TakeResult {
  const elapsedSeconds = previous ? Math.max(0, nowMs - previous.atMs) / 1000 : 0;
  const available = Math.min(policy.capacity, (previous?.tokens ?? policy.capacity) + elapsedSeconds * policy.ratePerSecond);
  const allowed = available >= 1;
  const tokens = allowed ? available - 1 : available;
  return {
    state: { tokens, atMs: nowMs },
    allowed,
    remaining: Math.floor(tokens),
    resetSeconds: Math.ceil((policy.capacity - tokens) / policy.ratePerSecond),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / policy.ratePerSecond)),
  };
}
