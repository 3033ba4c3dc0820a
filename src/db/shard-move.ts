// The message-database side of moving an account between shards: its rows
// read in keyset batches by id, copied as upserts that never overwrite a newer
// row, compared by (id, projection_seq), and deleted in bounded batches.
// A move copies only the messages held on the source for the shards it
// leaves (their ids' shards: `bornOn`), never the account's other messages
// there or the ones created on the target meanwhile.
import { and, asc, eq, getTableColumns, gt, gte, inArray, lte, sql } from "drizzle-orm";
import { bornOnOneOf } from "./born-on.ts";
import type { Database } from "./client.ts";
import { COPIED_CLAIM, SEAL_KEY } from "./idempotency.ts";
import { idempotencyKeys, messages } from "./message-schema.ts";

type MessageRow = typeof messages.$inferSelect;
type KeyRow = typeof idempotencyKeys.$inferSelect;

/** Up to `limit` of the account's messages created on `bornOn` after `afterId`, in id order. */
export function messagesAfter(db: Database, accountId: string, bornOn: readonly number[], afterId: string | null, limit: number): Promise<MessageRow[]> {
  const after = afterId === null ? undefined : gt(messages.id, afterId);
  return db
    .select()
    .from(messages)
    .where(and(bornOnOneOf(accountId, bornOn), after))
    .orderBy(asc(messages.id))
    .limit(limit);
}

/** The messages with these ids (of the account): the ids travel as one JSON parameter (D1 binds at most 100, a batch is up to 100 ids). */
export function messagesWithIds(db: Database, accountId: string, ids: string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), inArray(messages.id, sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`)));
}

export interface Versioned {
  id: string;
  projectionSeq: number;
}

/** The (id, projection_seq) of those messages in (afterId, throughId], or after afterId with no upper end. */
export function versionsBetween(
  db: Database,
  accountId: string,
  bornOn: readonly number[],
  afterId: string | null,
  throughId: string | null,
  limit?: number,
): Promise<Versioned[]> {
  const query = db
    .select({ id: messages.id, projectionSeq: messages.projectionSeq })
    .from(messages)
    .where(
      and(
        bornOnOneOf(accountId, bornOn),
        afterId === null ? undefined : gt(messages.id, afterId),
        throughId === null ? undefined : lte(messages.id, throughId),
      ),
    )
    .orderBy(asc(messages.id));
  return limit === undefined ? query : query.limit(limit);
}

// Every column taken from the copy when it is newer.
const fromExcluded = Object.fromEntries(Object.entries(getTableColumns(messages)).map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]));

/**
 * Writes the rows, one statement each in one batch (a row's ~30 values stay
 * under D1's 100 bound parameters), replacing a stored row only when the copy
 * carries a later projection: a projection written meanwhile is never undone.
 */
export async function upsertMessages(db: Database, rows: MessageRow[]): Promise<void> {
  const [first, ...rest] = rows.map((row) =>
    db
      .insert(messages)
      .values(row)
      .onConflictDoUpdate({ target: messages.id, set: fromExcluded, setWhere: sql`excluded.projection_seq > ${messages.projectionSeq}` }),
  );
  if (first) await db.batch([first, ...rest]);
}

export async function deleteMessagesWithIds(db: Database, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.delete(messages).where(inArray(messages.id, ids));
}

/** Deletes up to `limit` of the account's messages held for `bornOn`; how many it deleted. */
export async function deleteHeldMessages(db: Database, accountId: string, bornOn: readonly number[], limit: number): Promise<number> {
  const chunk = db.select({ id: messages.id }).from(messages).where(bornOnOneOf(accountId, bornOn)).limit(limit);
  const deleted = await db.delete(messages).where(inArray(messages.id, chunk)).returning({ id: messages.id });
  return deleted.length;
}

/**
 * Up to `limit` of the account's idempotency keys after `afterKey`, in key
 * order; with `lockedSince`, only those claimed (or taken over) since then.
 * The seal (SEAL_KEY, the empty key, first in order) is never among them.
 */
export function keysAfter(db: Database, accountId: string, afterKey: string | null, limit: number, lockedSince?: number): Promise<KeyRow[]> {
  return db
    .select()
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.accountId, accountId),
        gt(idempotencyKeys.key, afterKey ?? SEAL_KEY),
        lockedSince === undefined ? undefined : gte(idempotencyKeys.lockedAt, lockedSince),
      ),
    )
    .orderBy(asc(idempotencyKeys.key))
    .limit(limit);
}

/** Seals the account's keys on this database (see SEAL_KEY); kept until the move deletes the account's keys here. */
export async function sealKeys(db: Database, accountId: string, now: number): Promise<void> {
  await db
    .insert(idempotencyKeys)
    .values({ accountId, key: SEAL_KEY, fingerprint: "sealed", createdAt: now, expiresAt: Number.MAX_SAFE_INTEGER })
    .onConflictDoNothing();
}

// Every column of a key taken from the source's row.
const keyFromExcluded = Object.fromEntries(
  Object.entries(getTableColumns(idempotencyKeys)).map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]),
);

/**
 * Copies the keys before the flip: a key whose request has no response yet
 * is stored as COPIED_CLAIM (its request may still complete at the source, so
 * no claim at the target takes it over), and an earlier copy is replaced with
 * the source's row as it is now. A key claimed at the target itself is kept.
 */
export async function copyKeys(db: Database, rows: KeyRow[]): Promise<void> {
  const [first, ...rest] = rows.map((row) =>
    db
      .insert(idempotencyKeys)
      .values(row.responseStatus === null ? { ...row, lockToken: COPIED_CLAIM } : row)
      .onConflictDoUpdate({
        target: [idempotencyKeys.accountId, idempotencyKeys.key],
        set: keyFromExcluded,
        setWhere: sql`${idempotencyKeys.lockToken} IS ${COPIED_CLAIM}`,
      }),
  );
  if (first) await db.batch([first, ...rest]);
}

/**
 * After the flip, when every request that claimed at the source has ended:
 * the copies of keys in (afterKey, throughKey] (no upper end when null) take
 * the source's rows as they ended, as plain claims, and a copy whose key the
 * source no longer has (its request failed and released it) goes. A key
 * claimed at the target itself is kept.
 */
export async function settleKeys(db: Database, accountId: string, rows: KeyRow[], afterKey: string | null, throughKey: string | null): Promise<void> {
  const copies = db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.accountId, accountId),
        sql`${idempotencyKeys.lockToken} IS ${COPIED_CLAIM}`,
        gt(idempotencyKeys.key, afterKey ?? SEAL_KEY),
        throughKey === null ? undefined : lte(idempotencyKeys.key, throughKey),
      ),
    );
  await db.batch([copies, ...rows.map((row) => db.insert(idempotencyKeys).values(row).onConflictDoNothing())]);
}

/** Deletes up to `limit` of the account's idempotency keys; how many it deleted. */
export async function deleteAccountKeys(db: Database, accountId: string, limit: number): Promise<number> {
  const chunk = db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.accountId, accountId)).limit(limit);
  const deleted = await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.accountId, accountId), inArray(idempotencyKeys.key, chunk)))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}
