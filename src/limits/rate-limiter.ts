// One Durable Object per account (idFromName(account id)) holding a token
// bucket per API key and the account's daily message count per channel. All
// of an account's requests pass through the one instance, so both limits are
// exact worldwide, and a request costs one call that checks both.
import { DurableObject } from "cloudflare:workers";
import type { Channel } from "../domain/address.ts";
import { secondsUntilNextUtcDay, utcDay } from "../domain/limits.ts";
import { type BucketPolicy, type BucketState, takeToken } from "../domain/token-bucket.ts";

export interface AdmitRequest {
  keyId: string;
  bucket: BucketPolicy;
  /** The channel of a message this request would create, when the daily cap applies to it. */
  dailyCapped: { channel: Channel; limit: number } | null;
}

export interface Admission {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  retryAfterSeconds: number;
  /** Set when the request asked for a daily slot; `reserved` tells whether it got one. */
  daily: { reserved: boolean; day: string; limit: number; retryAfterSeconds: number } | null;
}

export class RateLimiter extends DurableObject<Env> {
  // Buckets live in memory: an instance is only evicted after a quiet spell
  // longer than any bucket takes to refill, so a fresh bucket is the same one.
  readonly #buckets = new Map<string, BucketState>();
  #today = "";

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The daily counts must survive eviction: they are what caps a day's spend.
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS daily_messages (day TEXT NOT NULL, channel TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, channel))",
    );
  }

  admit(request: AdmitRequest): Admission {
    const now = Date.now();
    const taken = takeToken(this.#buckets.get(request.keyId), request.bucket, now);
    this.#buckets.set(request.keyId, taken.state);
    const admission: Admission = {
      allowed: taken.allowed,
      limit: request.bucket.capacity,
      remaining: taken.remaining,
      resetSeconds: taken.resetSeconds,
      retryAfterSeconds: taken.retryAfterSeconds,
      daily: null,
    };
    if (taken.allowed && request.dailyCapped) {
      const { channel, limit } = request.dailyCapped;
      const day = this.#startDay(now);
      const reserved = this.#sentToday(day, channel) < limit;
      if (reserved) {
        this.ctx.storage.sql.exec(
          "INSERT INTO daily_messages (day, channel, count) VALUES (?, ?, 1) ON CONFLICT (day, channel) DO UPDATE SET count = count + 1",
          day,
          channel,
        );
      }
      admission.daily = { reserved, day, limit, retryAfterSeconds: secondsUntilNextUtcDay(now) };
    }
    return admission;
  }

  /** Gives back a reserved slot whose request created no message. */
  release(day: string, channel: Channel): void {
    this.ctx.storage.sql.exec("UPDATE daily_messages SET count = count - 1 WHERE day = ? AND channel = ? AND count > 0", day, channel);
  }

  #sentToday(day: string, channel: Channel): number {
    const [row] = this.ctx.storage.sql.exec<{ count: number }>("SELECT count FROM daily_messages WHERE day = ? AND channel = ?", day, channel).toArray();
    return row?.count ?? 0;
  }

  /** The current UTC day; on the first request of a day, earlier days' counts are dropped. */
  #startDay(now: number): string {
    const day = utcDay(now);
    if (day !== this.#today) {
      this.ctx.storage.sql.exec("DELETE FROM daily_messages WHERE day < ?", day);
      this.#today = day;
    }
    return day;
  }
}
