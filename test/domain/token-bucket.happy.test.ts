import { describe, expect, it } from "vitest";
import { type BucketState, takeToken } from "../../src/domain/token-bucket.ts";

const policy = { ratePerSecond: 10, capacity: 20 };

describe("takeToken", () => {
  it("starts full and allows a burst of the capacity", () => {
    let state: BucketState | undefined;
    const results = [];
    for (let i = 0; i < 21; i++) {
      const result = takeToken(state, policy, 1_000);
      state = result.state;
      results.push(result);
    }
    expect(results.slice(0, 20).every((r) => r.allowed)).toBe(true);
    expect(results[0]).toMatchObject({ remaining: 19, resetSeconds: 1 });
    expect(results[20]).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 2, retryAfterSeconds: 1 });
  });

  it("refills at the rate, never above the capacity", () => {
    const empty = { tokens: 0, atMs: 0 };
    expect(takeToken(empty, policy, 50).allowed).toBe(false); // 0.5 token
    expect(takeToken(empty, policy, 100)).toMatchObject({ allowed: true, remaining: 0 });
    expect(takeToken(empty, policy, 60_000)).toMatchObject({ allowed: true, remaining: 19 });
  });

  it("waits whole seconds: Retry-After is at least 1", () => {
    const slow = { ratePerSecond: 0.5, capacity: 1 };
    expect(takeToken({ tokens: 0, atMs: 0 }, slow, 0)).toMatchObject({ allowed: false, retryAfterSeconds: 2 });
    expect(takeToken({ tokens: 0.9, atMs: 0 }, policy, 0)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it("applies a lowered capacity at once", () => {
    const full = { tokens: 200, atMs: 0 };
    expect(takeToken(full, policy, 0)).toMatchObject({ remaining: 19 });
  });
});
