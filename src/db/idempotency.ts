// Idempotency-Key records in D1. A key is claimed atomically (one upsert),
// so of two concurrent requests with one key exactly one runs.
import { and, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "./client.ts";
import { idempotencyKeys as keys } from "./schema.ts";

export interface ClaimRequest {
  accountId: string;
  key: string;
  /** Random per request: only the request holding the claim completes or releases it. */
  token: string;
  fingerprint: string;
  now: number;
  ttlSeconds: number;
  /** An in-flight claim older than this is taken to be abandoned (the Worker died). */
  lockSeconds: number;
}

/** Held by the one request that runs for a key; completes or releases it. */
export type Claim = Pick<ClaimRequest, "accountId" | "key" | "token">;

export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

export type ClaimOutcome =
  | { kind: "claimed" }
  | { kind: "mismatch" }
  | { kind: "in_flight" }
  | { kind: "completed"; response: StoredResponse };

const sameKey = (accountId: string, key: string) => and(eq(keys.accountId, accountId), eq(keys.key, key));

/**
 * Claims the key for this request, unless another request holds it or has
 * completed it: one round trip. The upsert claims a new, expired or abandoned
 * key; the select reads what is there when it did not.
 */
export async function claimIdempotencyKey(db: Database, request: ClaimRequest): Promise<ClaimOutcome> {
  const { accountId, key, fingerprint, now } = request;
  const claim = {
    fingerprint,
    lockToken: request.token,
    lockedAt: now,
    responseStatus: null,
    responseContentType: null,
    responseBody: null,
    createdAt: now,
    expiresAt: now + request.ttlSeconds,
  };
  const [claimed, [existing]] = await db.batch([
    db
      .insert(keys)
      .values({ accountId, key, ...claim })
      .onConflictDoUpdate({
        target: [keys.accountId, keys.key],
        set: claim,
        setWhere: or(
          lte(keys.expiresAt, now),
          and(isNull(keys.responseStatus), lte(keys.lockedAt, now - request.lockSeconds), eq(keys.fingerprint, fingerprint)),
        ),
      })
      .returning({ token: keys.lockToken }),
    db.select().from(keys).where(sameKey(accountId, key)),
  ]);
  if (claimed.length > 0) return { kind: "claimed" };
  if (!existing || existing.fingerprint !== fingerprint) return { kind: "mismatch" };
  if (existing.responseStatus === null) return { kind: "in_flight" };
  return {
    kind: "completed",
    response: { status: existing.responseStatus, contentType: existing.responseContentType ?? "application/json", body: existing.responseBody ?? "" },
  };
}

/** Stores the response for replay; a statement, so it can commit in one batch with the request's own writes. */
export function completeClaim(db: Database, claim: Claim, response: StoredResponse): BatchItem<"sqlite"> {
  return db
    .update(keys)
    .set({ responseStatus: response.status, responseContentType: response.contentType, responseBody: response.body, lockToken: null })
    .where(and(sameKey(claim.accountId, claim.key), eq(keys.lockToken, claim.token)));
}

/** Frees a claim whose request changed nothing, so the client can retry with the same key. */
export async function releaseClaim(db: Database, claim: Claim): Promise<void> {
  await db.delete(keys).where(and(sameKey(claim.accountId, claim.key), eq(keys.lockToken, claim.token), isNull(keys.responseStatus)));
}

/** Deletes up to `limit` expired keys; returns how many. */
export async function pruneExpiredIdempotencyKeys(db: Database, now: number, limit: number): Promise<number> {
  const expired = db.select({ rowid: sql`rowid` }).from(keys).where(lte(keys.expiresAt, now)).limit(limit);
  const result = await db.delete(keys).where(inArray(sql`rowid`, expired));
  return result.meta.changes;
}
