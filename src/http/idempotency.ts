// Idempotency-Key on POST requests, with Stripe's semantics: the first
// request's status and body are stored with the key (per account, 24 h) and
// replayed byte for byte, with `Idempotent-Replayed: true`, to a retry with
// the same parameters. The same key with other parameters is a 400; a retry
// while the first request still runs is a 409.
//
// Only successful (2xx) responses are stored. Every 4xx/5xx of the API means
// nothing was created, so the key is released and a corrected retry may reuse it.
//
// Part of the API key guard (src/http/auth.ts), run once the key is proven.
// An operation that creates a message (its guard options say so) stores no copy of its
// response: its key records the id of the message it creates, and that message
// is the response (one D1 write per keyed create instead of two). A batch create's
// key records its batch's id as well as its response: a retry after a request
// that died between its inserts and its response finds the batch by it. One whose
// response holds a secret (the webhook secret roll) stores none either: its
// replay is made from the current state.
import type { Context, Next } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ClaimOutcome, type ClaimRequest, claimIdempotencyKey, completeClaim, releaseClaim, type StoredResponse } from "../db/idempotency.ts";
import { shardDatabase } from "../db/shards.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import { placementOf } from "../domain/placement.ts";
import { requestFingerprint } from "../domain/request-fingerprint.ts";
import { errors } from "./errors.ts";
import type { CreatesMessage, GuardedEnv, GuardOptions } from "./operation-hooks.ts";

export const IDEMPOTENCY = {
  maxKeyLength: 255,
  ttlSeconds: 24 * 60 * 60,
  // No request runs this long (each D1 query is bounded well below it), so a
  // claim this old belongs to a Worker that died, and the key can be retried.
  lockSeconds: 60,
} as const;

const VALID_KEY = new RegExp(`^[\\x20-\\x7e]{1,${IDEMPOTENCY.maxKeyLength}}$`);

const isSuccess = (status: number) => status >= 200 && status < 300;

/** The response of a completed key's first request; throws for a key in use or used with other parameters. */
function storedResponse(key: string, outcome: Exclude<ClaimOutcome, { kind: "claimed" }>, createsMessage: CreatesMessage | undefined): StoredResponse {
  switch (outcome.kind) {
    case "mismatch":
      throw errors.idempotencyMismatch(key);
    case "in_flight":
      throw errors.idempotencyKeyInUse(key);
    case "completed":
      return outcome.response;
    case "created":
      // Exactly what the create answered (only a claim made with createsMessage records a message).
      return { status: 201, contentType: "application/json", body: JSON.stringify(createsMessage?.response(outcome.message)) };
  }
}

/** Runs `next` under the request's Idempotency-Key, if it has one (a POST). */
export async function idempotent<Prepared>(
  c: Context<GuardedEnv<Prepared>>,
  { createsMessage, createsBatch, replaysCurrentState }: Pick<GuardOptions<never, Prepared>, "createsMessage" | "createsBatch" | "replaysCurrentState">,
  next: Next,
): Promise<Response | undefined> {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) {
    await next();
    return;
  }
  if (!VALID_KEY.test(key)) throw errors.idempotencyKeyInvalid(IDEMPOTENCY.maxKeyLength);

  // The account's keys live on its home shard, with the messages their creates made (one atomic claim).
  const account = c.get("account");
  const home = placementOf(account).home;
  const db = shardDatabase(c.env, home);
  // An invalid body fails here exactly as in the handler; nothing is stored.
  const params = c.req.raw.body === null ? {} : await c.get("body")();
  const claim: ClaimRequest = {
    accountId: account.id,
    key,
    token: crypto.randomUUID(),
    fingerprint: await requestFingerprint(c.req.method, c.req.path, params),
    now: unixSeconds(),
    ttlSeconds: IDEMPOTENCY.ttlSeconds,
    lockSeconds: IDEMPOTENCY.lockSeconds,
    messageId: createsMessage?.newId(home) ?? (createsBatch ? newId("bat") : undefined),
    keepsReservation: createsBatch,
  };
  const outcome = await claimIdempotencyKey(db, claim);
  if (outcome.kind === "completed" && replaysCurrentState) {
    const response = await replaysCurrentState(c);
    response.headers.set("Idempotent-Replayed", "true");
    return response;
  }
  if (outcome.kind !== "claimed") {
    const { status, contentType, body } = storedResponse(key, outcome, createsMessage);
    return c.body(body, status as ContentfulStatusCode, { "Content-Type": contentType, "Idempotent-Replayed": "true" });
  }
  // This request now holds the key.
  c.set("reservedId", outcome.reservedId ?? undefined);

  await next();
  if (!isSuccess(c.res.status)) {
    await releaseClaim(db, claim);
  } else if (!createsMessage) {
    const body = replaysCurrentState ? "" : await c.res.clone().text();
    const response = { status: c.res.status, contentType: c.res.headers.get("content-type") ?? "application/json", body };
    await completeClaim(db, claim, response);
  }
}
