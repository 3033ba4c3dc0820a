// Request rate and daily message limits, in one Durable Object call per
// authenticated request (src/limits/rate-limiter.ts). Every authenticated
// response carries RateLimit-Limit (the bucket's size), RateLimit-Remaining
// and RateLimit-Reset (seconds until the bucket is full again).
import { createMiddleware } from "hono/factory";
import { accountLimits } from "../domain/limits.ts";
import type { AppEnv } from "./context.ts";
import { errors } from "./errors.ts";
import { hooksOf } from "./operation-hooks.ts";

/** Something new was stored (the daily slot is used): a 201 that is not an Idempotency-Key replay. */
const created = (response: Response) => response.status === 201 && !response.headers.has("Idempotent-Replayed");

export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const account = c.get("account");
  const limits = accountLimits(account);
  // Read from the body before validation: a request that then fails creates
  // nothing and gets its slot back.
  const { dailyCappedChannel } = hooksOf(c);
  const body =
    dailyCappedChannel && limits.dailyMessagesPerChannel !== null
      ? await c
          .get("body")()
          .catch(() => null)
      : null;
  const channel = dailyCappedChannel && body !== null ? dailyCappedChannel(body) : null;
  const dailyCapped = channel && limits.dailyMessagesPerChannel !== null ? { channel, limit: limits.dailyMessagesPerChannel } : null;
  const limiter = c.env.RATE_LIMITER.getByName(account.id);
  const admission = await limiter.admit({ keyId: c.get("apiKeyId"), bucket: limits.bucket, dailyCapped });
  c.header("RateLimit-Limit", String(admission.limit));
  c.header("RateLimit-Remaining", String(admission.remaining));
  c.header("RateLimit-Reset", String(admission.resetSeconds));
  if (!admission.allowed) throw errors.rateLimited(admission.retryAfterSeconds);
  const daily = dailyCapped && admission.daily ? { ...dailyCapped, ...admission.daily } : null;
  if (daily && !daily.reserved) throw errors.dailyLimitExceeded(daily.channel, daily.limit, daily.retryAfterSeconds);

  await next();
  if (daily && !created(c.res)) await limiter.release(daily.day, daily.channel);
});
