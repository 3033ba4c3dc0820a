// Idempotency-Key records in D1. A key is claimed atomically (one upsert),
// so of two concurrent requests with one key exactly one runs.
import { and, eq, getTableColumns, inArray, isNull, lte, not, notExists, or, type SQL, sql } from "drizzle-orm";
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
  /**
   * The id this request reserves for what it creates: POST /v1/messages the
   * message's (see idempotencyKeys.messageId), a batch create its batch's.
   */
  messageId?: string;
  /**
   * A retry that takes over an abandoned claim keeps the id the claim reserved,
   * so it finds what the dead request stored under it (a batch: its row is in
   * the control database). Not for a message: its id names the home shard of
   * the claim's time, which a shard move may have changed since.
   */
  keepsReservation?: boolean;
}

/** Held by the one request that runs for a key; completes or releases it. */
export type Claim = Pick<ClaimRequest, "accountId" | "key" | "token">;

export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

export type ClaimOutcome =
  /** The key is this request's; `reservedId`: the id it creates under (the one an abandoned claim reserved, when it took one over). */
  | { kind: "claimed"; reservedId: string | null }
  | { kind: "mismatch" }
  | { kind: "in_flight" }
  | { kind: "completed"; response: StoredResponse }
  /** A message create's key whose message exists: the response is that message as created. */
  | { kind: "created"; message: Message };

/**
 * The key of the row that seals an account's keys on a message database it is
 * moving off (a shard move, src/services/shard-move.ts): from then on no key
 * is claimed there (a new or expired one, or an abandoned claim taken over),
 * so that every claim is made where the keys went, and no claim the move has
 * not copied can exist. Empty, which no request's key can be (1-255 characters).
 */
export const SEAL_KEY = "";

/**
 * The lock token of a claim a move copied to its target while the claim's
 * request was still running at the source: the move settles it with the
 * source's outcome after the flip (its response, the message it made, or its
 * release), so no claim at the target takes it over as abandoned meanwhile.
 * No request's token (a random UUID) is ever this.
 */
export const COPIED_CLAIM = "copied";

const sameKey = (accountId: string, key: string) => and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key));

/** The message the key's request created, if it did (a condition on the key's row). */
const messageOfKey = (db: Database) => db.select({ id: messages.id }).from(messages).where(eq(messages.id, idempotencyKeys.messageId));

/** Whether the account's keys on this database are sealed (see SEAL_KEY). */
const sealed = (accountId: string): SQL =>
  sql`EXISTS (SELECT 1 FROM ${idempotencyKeys} AS seal WHERE seal.account_id = ${accountId} AND seal.key = ${SEAL_KEY})`;

/**
 * Claims the key for this request, unless another request holds it or has
 * completed it: one round trip. The upsert claims a new, expired or abandoned
 * key; the selects read what is there when it did not, and the message its
 * request created, if any. On a database the account's keys are moving off
 * (sealed), nothing is claimed: a key found there answers as it stands (its
 * replay, a mismatch, in use), any other is "in use", so the client retries
 * in a second, by then with the placement that names the new home.
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
  // INSERT ... SELECT, so a sealed database inserts nothing: the values in the table's column order.
  const row: Record<string, unknown> = { accountId, key, ...claim };
  const values = sql.join(
    Object.keys(getTableColumns(idempotencyKeys)).map((column) => sql`${row[column] ?? null}`),
    sql`, `,
  );
  const [claimed, [existing], [message]] = await db.batch([
    db
      .insert(idempotencyKeys)
      .select(sql`SELECT ${values} WHERE NOT ${sealed(accountId)}`)
      .onConflictDoUpdate({
        target: [idempotencyKeys.accountId, idempotencyKeys.key],
        // An expired key starts afresh; an abandoned claim keeps the id it reserved, when the request says so.
        set: request.keepsReservation
          ? { ...claim, messageId: sql`CASE WHEN ${idempotencyKeys.expiresAt} <= ${now} THEN ${claim.messageId} ELSE ${idempotencyKeys.messageId} END` }
          : claim,
        // Abandoned: still without a response long after it was claimed, and
        // (a message create) without its message, which would be its response.
        // A claim a move copied while its request ran is not abandoned: its request may yet complete at the source.
        setWhere: and(
          not(sealed(accountId)),
          or(
            lte(idempotencyKeys.expiresAt, now),
            and(
              isNull(idempotencyKeys.responseStatus),
              lte(idempotencyKeys.lockedAt, now - request.lockSeconds),
              eq(idempotencyKeys.fingerprint, fingerprint),
              sql`${idempotencyKeys.lockToken} IS NOT ${COPIED_CLAIM}`,
              notExists(messageOfKey(db)),
            ),
          ),
        ),
      })
      .returning({ token: idempotencyKeys.lockToken, reservedId: idempotencyKeys.messageId }),
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
  if (claimed[0]) return { kind: "claimed", reservedId: claimed[0].reservedId };
  // Neither claimed nor there (or expired): only a sealed database refuses a key so.
  if (!existing || existing.expiresAt <= now) return { kind: "in_flight" };
  if (existing.fingerprint !== fingerprint) return { kind: "mismatch" };
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
