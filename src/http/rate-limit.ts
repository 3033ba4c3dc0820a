// Request rate and daily message limits, in one Durable Object call per
// authenticated request (src/limits/rate-limiter.ts). Every authenticated
// response carries RateLimit-Limit (the bucket's size), RateLimit-Remaining
// and RateLimit-Reset (seconds until the bucket is full again).
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { CHANNELS, type Channel } from "../domain/address.ts";
import { accountLimits } from "../domain/limits.ts";
import { readBody } from "./body.ts";
import { type AppEnv, isMessageCreate } from "./context.ts";
import { errors } from "./errors.ts";

/**
 * The channel of the message a request asks to create, when the account's
 * daily cap applies to it. Read from the body before validation: a request
 * that then fails creates nothing and gets its slot back.
 */
async function dailyCappedChannel(c: Context<AppEnv>): Promise<Channel | null> {
  if (!isMessageCreate(c)) return null;
  const body = await readBody(c.req.raw).catch(() => null);
  const channel = body && typeof body === "object" && "channel" in body ? body.channel : undefined;
  const lowered = typeof channel === "string" ? channel.toLowerCase() : "";
  return CHANNELS.find((known) => known === lowered) ?? null;
}

/** A new message was stored: a 201 that is not an Idempotency-Key replay. */
const createdMessage = (response: Response) => response.status === 201 && !response.headers.has("Idempotent-Replayed");

export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const account = c.get("account");
  const limits = accountLimits(account);
  const channel = limits.dailyMessagesPerChannel === null ? null : await dailyCappedChannel(c);
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
  if (daily && !createdMessage(c.res)) await limiter.release(daily.day, daily.channel);
});
