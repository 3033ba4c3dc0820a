// The control-database side of moving an account between shards: the move
// records (shard_moves) and the account's placement they change.
import { and, eq, isNull, lt, notInArray, or } from "drizzle-orm";
import type { Placement } from "../domain/placement.ts";
import type { Database } from "./client.ts";
import { accounts } from "./control-schema.ts";
import { shardMoves } from "./shard-schema.ts";

export type ShardMove = typeof shardMoves.$inferSelect;
export type ShardMoveChange = Partial<
  Pick<ShardMove, "phase" | "bornOn" | "cursor" | "pass" | "repaired" | "phaseStartedAt" | "leaseUntil" | "error" | "finishedAt">
>;

const active = notInArray(shardMoves.phase, ["done", "failed"]);

/** Records a move request; null when the account already has a move in progress (one at a time). */
export async function insertMove(db: Database, request: { accountId: string; from: number; to: number; now: number }): Promise<ShardMove | null> {
  const [inserted] = await db
    .insert(shardMoves)
    .values({ accountId: request.accountId, fromShard: request.from, toShard: request.to, phaseStartedAt: request.now, requestedAt: request.now })
    .onConflictDoNothing()
    .returning();
  return inserted ?? null;
}

/** The moves not yet done or failed, oldest first. */
export function activeMoves(db: Database): Promise<ShardMove[]> {
  return db.select().from(shardMoves).where(active).orderBy(shardMoves.id);
}

/** Takes the move for this run until `leaseUntil` unless another run holds it; the move as taken, or undefined. */
export async function leaseMove(db: Database, id: number, now: number, leaseUntil: number): Promise<ShardMove | undefined> {
  const [leased] = await db
    .update(shardMoves)
    .set({ leaseUntil })
    .where(and(eq(shardMoves.id, id), active, or(isNull(shardMoves.leaseUntil), lt(shardMoves.leaseUntil, now))))
    .returning();
  return leased;
}

/** Ends this run's lease (unless another run has taken the move since). */
export async function releaseMove(db: Database, id: number, leaseUntil: number): Promise<void> {
  await db
    .update(shardMoves)
    .set({ leaseUntil: null })
    .where(and(eq(shardMoves.id, id), eq(shardMoves.leaseUntil, leaseUntil)));
}

/** Changes the move's record as given. */
export async function saveMove(db: Database, id: number, change: ShardMoveChange): Promise<ShardMove> {
  const [saved] = await db.update(shardMoves).set(change).where(eq(shardMoves.id, id)).returning();
  return saved!;
}

/**
 * Persists a step's progress only if the record is still as the step read it:
 * a run that stalled past its lease must not set back a move another run has
 * taken further (a verify resumed after the source was emptied would delete
 * the target's rows). Undefined when the record had moved on.
 */
export async function saveStep(db: Database, read: ShardMove, change: ShardMoveChange): Promise<ShardMove | undefined> {
  const [saved] = await db
    .update(shardMoves)
    .set(change)
    .where(
      and(
        eq(shardMoves.id, read.id),
        eq(shardMoves.phase, read.phase),
        read.cursor === null ? isNull(shardMoves.cursor) : eq(shardMoves.cursor, read.cursor),
        eq(shardMoves.pass, read.pass),
      ),
    )
    .returning();
  return saved;
}

export async function findMove(db: Database, id: number): Promise<ShardMove | undefined> {
  return db.select().from(shardMoves).where(eq(shardMoves.id, id)).get();
}

export async function setPlacement(db: Database, accountId: string, placement: Placement): Promise<void> {
  await db.update(accounts).set({ placement }).where(eq(accounts.id, accountId));
}
