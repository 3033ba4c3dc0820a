// The verifications' side of moving an account between shards: their rows
// (the projections their Durable Objects write, src/delivery/verifier.ts) read
// in keyset batches by id, copied as upserts that never overwrite a newer
// version, and deleted from the source in bounded batches. Only the rows held
// for the shards the move leaves (their ids' shards: `bornOn`) are carried.
import { and, asc, eq, getTableColumns, gt, inArray, type SQL, sql } from "drizzle-orm";
import { shardSuffix } from "../domain/ids.ts";
import type { Database } from "./client.ts";
import { verifications } from "./message-schema.ts";

type VerificationRow = typeof verifications.$inferSelect;

function heldFor(accountId: string, bornOn: readonly number[]): SQL {
  return and(eq(verifications.accountId, accountId), inArray(sql`substr(${verifications.id}, -4)`, bornOn.map(shardSuffix)))!;
}

/** Up to `limit` of the account's verifications created on `bornOn` after `afterId`, in id order. */
export function verificationsAfter(
  db: Database,
  accountId: string,
  bornOn: readonly number[],
  afterId: string | null,
  limit: number,
): Promise<VerificationRow[]> {
  return db
    .select()
    .from(verifications)
    .where(and(heldFor(accountId, bornOn), afterId === null ? undefined : gt(verifications.id, afterId)))
    .orderBy(asc(verifications.id))
    .limit(limit);
}

// Every column taken from the copy when it is newer.
const fromExcluded = Object.fromEntries(Object.entries(getTableColumns(verifications)).map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]));

/** Writes the rows in one batch, replacing a stored row only with a later version: the object's own write meanwhile is never undone. */
export async function upsertVerifications(db: Database, rows: VerificationRow[]): Promise<void> {
  const [first, ...rest] = rows.map((row) =>
    db
      .insert(verifications)
      .values(row)
      .onConflictDoUpdate({ target: verifications.id, set: fromExcluded, setWhere: sql`excluded.version > ${verifications.version}` }),
  );
  if (first) await db.batch([first, ...rest]);
}

/** Deletes up to `limit` of the account's verifications held for `bornOn`; how many it deleted. */
export async function deleteHeldVerifications(db: Database, accountId: string, bornOn: readonly number[], limit: number): Promise<number> {
  const chunk = db.select({ id: verifications.id }).from(verifications).where(heldFor(accountId, bornOn)).limit(limit);
  const deleted = await db.delete(verifications).where(inArray(verifications.id, chunk)).returning({ id: verifications.id });
  return deleted.length;
}
