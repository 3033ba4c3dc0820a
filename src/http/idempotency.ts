// Idempotency-Key on POST requests, with Stripe's semantics: the first
// request's status and body are stored with the key (per account, 24 h) and
// replayed byte for byte, with `Idempotent-Replayed: true`, to a retry with
// the same parameters. The same key with other parameters is a 400; a retry
// while the first request still runs is a 409.
//
// Only successful (2xx) responses are stored. Every 4xx/5xx of the API means
// nothing was created, so the key is released and a corrected retry may reuse it.
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { database } from "../db/client.ts";
import { type ClaimOutcome, type ClaimRequest, claimIdempotencyKey, completeClaim, releaseClaim, type StoredResponse } from "../db/idempotency.ts";
import { unixSeconds } from "../domain/ids.ts";
import { requestFingerprint } from "../domain/request-fingerprint.ts";
import { readBody } from "./body.ts";
import type { AppEnv } from "./context.ts";
import { errors } from "./errors.ts";

export const IDEMPOTENCY = {
  maxKeyLength: 255,
  ttlSeconds: 24 * 60 * 60,
  // No request runs this long (each D1 query is bounded well below it), so a
  // claim this old belongs to a Worker that died, and the key can be retried.
  lockSeconds: 60,
} as const;

const VALID_KEY = new RegExp(`^[\\x20-\\x7e]{1,${IDEMPOTENCY.maxKeyLength}}$`);

export interface IdempotencyClaim {
  request: ClaimRequest;
  /** Set when the handler stored its response in its own write batch. */
  recorded: boolean;
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/** Throws for a key in use or used with other parameters; the stored response of a completed key; null when this request now holds it. */
function settle(key: string, outcome: ClaimOutcome): StoredResponse | null {
  switch (outcome.kind) {
    case "mismatch":
      throw errors.idempotencyMismatch(key);
    case "in_flight":
      throw errors.idempotencyKeyInUse(key);
    case "completed":
      return outcome.response;
    case "claimed":
      return null;
  }
}

function replayResponse(c: Context<AppEnv>, { status, contentType, body }: StoredResponse): Response {
  return c.body(body, status as ContentfulStatusCode, { "Content-Type": contentType, "Idempotent-Replayed": "true" });
}

export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (!VALID_KEY.test(key)) throw errors.idempotencyKeyInvalid(IDEMPOTENCY.maxKeyLength);

  const db = database(c.env.DB);
  // An invalid body fails here exactly as in the handler; nothing is stored.
  const params = c.req.raw.body === null ? {} : await readBody(c.req.raw);
  const claim: IdempotencyClaim = {
    request: {
      accountId: c.get("account").id,
      key,
      token: crypto.randomUUID(),
      fingerprint: await requestFingerprint(c.req.method, c.req.path, params),
      now: unixSeconds(),
      ttlSeconds: IDEMPOTENCY.ttlSeconds,
      lockSeconds: IDEMPOTENCY.lockSeconds,
    },
    recorded: false,
  };
  const stored = settle(key, await claimIdempotencyKey(db, claim.request));
  if (stored) return replayResponse(c, stored);
  // This request now holds the key.
  c.set("idempotencyClaim", claim);

  await next();
  if (!isSuccess(c.res.status)) {
    await releaseClaim(db, claim.request);
  } else if (!claim.recorded) {
    const response = { status: c.res.status, contentType: c.res.headers.get("content-type") ?? "application/json", body: await c.res.clone().text() };
    await db.batch([completeClaim(db, claim.request, response)]);
  }
});

/**
 * For a handler that writes: the statement storing its JSON response with the
 * request's key, to commit in the same batch as its writes, so a stored
 * resource and its replayable response never exist one without the other.
 * Empty when the request does not hold a key. The handler must answer with
 * exactly `c.json(object, status)`.
 */
export function storeResponseWith(c: Context<AppEnv>, status: ContentfulStatusCode, object: unknown): BatchItem<"sqlite">[] {
  const claim = c.get("idempotencyClaim");
  if (!claim) return [];
  claim.recorded = true;
  return [completeClaim(database(c.env.DB), claim.request, { status, contentType: "application/json", body: JSON.stringify(object) })];
}
