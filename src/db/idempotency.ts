// Idempotency-Key records in D1. A key is claimed atomically (one upsert),
// so of two concurrent requests with one key exactly one runs.
import { and, eq, inArray, isNull, lte, notExists, or, sql } from "drizzle-orm";
import type { Message } from "../domain/message.ts";
import type { Database } from "./client.ts";
import { idempotencyKeys, messages } from "./message-schema.ts";

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
  /** POST /v1/messages: the id of the message this request will create (see idempotencyKeys.messageId). */
  messageId?: string;
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
  | { kind: "completed"; response: StoredResponse }
  /** A message create's key whose message exists: the response is that message as created. */
  | { kind: "created"; message: Message };

const sameKey = (accountId: string, key: string) => and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key));

/** The message the key's request created, if it did (a condition on the key's row). */
const messageOfKey = (db: Database) => db.select({ id: messages.id }).from(messages).where(eq(messages.id, idempotencyKeys.messageId));

/**
 * Claims the key for this request, unless another request holds it or has
 * completed it: one round trip. The upsert claims a new, expired or abandoned
 * key; the selects read what is there when it did not, and the message its
 * request created, if any.
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
    messageId: request.messageId ?? null,
    createdAt: now,
    expiresAt: now + request.ttlSeconds,
  };
  const [claimed, [existing], [message]] = await db.batch([
    db
      .insert(idempotencyKeys)
      .values({ accountId, key, ...claim })
      .onConflictDoUpdate({
        target: [idempotencyKeys.accountId, idempotencyKeys.key],
        set: claim,
        // Abandoned: still without a response long after it was claimed, and
        // (a message create) without its message, which would be its response.
        setWhere: or(
          lte(idempotencyKeys.expiresAt, now),
          and(
            isNull(idempotencyKeys.responseStatus),
            lte(idempotencyKeys.lockedAt, now - request.lockSeconds),
            eq(idempotencyKeys.fingerprint, fingerprint),
            notExists(messageOfKey(db)),
          ),
        ),
      })
      .returning({ token: idempotencyKeys.lockToken }),
    db.select().from(idempotencyKeys).where(sameKey(accountId, key)),
    db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.accountId, accountId),
          inArray(messages.id, db.select({ id: idempotencyKeys.messageId }).from(idempotencyKeys).where(sameKey(accountId, key))),
        ),
      ),
  ]);
  if (claimed.length > 0) return { kind: "claimed" };
  if (!existing || existing.fingerprint !== fingerprint) return { kind: "mismatch" };
  if (existing.responseStatus !== null) {
    const { responseStatus: status, responseContentType: contentType, responseBody: body } = existing;
    return { kind: "completed", response: { status, contentType: contentType ?? "application/json", body: body ?? "" } };
  }
  if (message) return { kind: "created", message };
  return { kind: "in_flight" };
}

/** Stores the response for replay. */
export async function completeClaim(db: Database, claim: Claim, response: StoredResponse): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ responseStatus: response.status, responseContentType: response.contentType, responseBody: response.body, lockToken: null })
    .where(and(sameKey(claim.accountId, claim.key), eq(idempotencyKeys.lockToken, claim.token)));
}

/**
 * Frees a claim whose request changed nothing, so the client can retry with
 * the same key. A message create whose insert did commit (its answer was lost)
 * keeps its claim: its message is the key's response.
 */
export async function releaseClaim(db: Database, claim: Claim): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(sameKey(claim.accountId, claim.key), eq(idempotencyKeys.lockToken, claim.token), isNull(idempotencyKeys.responseStatus), notExists(messageOfKey(db))),
    );
}

/** Deletes up to `limit` expired keys; returns how many. */
export async function pruneExpiredIdempotencyKeys(db: Database, now: number, limit: number): Promise<number> {
  const expired = db.select({ rowid: sql`rowid` }).from(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now)).limit(limit);
  const result = await db.delete(idempotencyKeys).where(inArray(sql`rowid`, expired));
  return result.meta.changes;
}
