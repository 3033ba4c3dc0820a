// Accounts' messages on a chosen shard, a move driven step by step, and
// status projections written as the projection queue's consumer writes them.
import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { accounts } from "../../src/db/control-schema.ts";
import { messages } from "../../src/db/message-schema.ts";
import { findMove, insertMove, type ShardMove } from "../../src/db/shard-moves.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { newMessageId, shardOfMessageId, unixSeconds } from "../../src/domain/ids.ts";
import { type Placement, placementOf, shardsWriting } from "../../src/domain/placement.ts";
import { workerControl } from "../../src/services/control.ts";
import { advanceMove } from "../../src/services/shard-move.ts";
import type { TestAccount } from "./accounts.ts";
import { db } from "./db.ts";
import { storeMessage } from "./queue.ts";

/** Stores `howMany` messages of the account created on `shard` (no Queue job: nothing changes them behind the test's back); ids oldest first. */
export async function storeOnShard(account: TestAccount, shard: number, howMany: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < howMany; i++) {
    const content = { text: `message ${i}` };
    ids.push(await storeMessage(account, { id: newMessageId(shard), content, rendered: { channel: "sms", text: content.text }, status: "sent" }));
  }
  return ids;
}

export async function placementNow(accountId: string): Promise<Placement> {
  const [account] = await db().select().from(accounts).where(eq(accounts.id, accountId));
  return placementOf(account!);
}

/**
 * Writes a status projection as the projection consumer does: to every shard
 * the account's placement (as it is now) says a change of this message goes
 * to, applied only over an older projection.
 */
export async function project(accountId: string, id: string, status: string, seq: number): Promise<void> {
  const placement = await placementNow(accountId);
  for (const shard of shardsWriting(placement, shardOfMessageId(id))) {
    await shardDatabase(env, shard)
      .update(messages)
      .set({ status: sql`${status}`, projectionSeq: seq })
      .where(and(eq(messages.id, id), sql`${messages.projectionSeq} < ${seq}`));
  }
}

/** The account's message ids stored on `shard`. */
export async function idsOnShard(accountId: string, shard: number): Promise<string[]> {
  const rows = await shardDatabase(env, shard).select({ id: messages.id }).from(messages).where(eq(messages.accountId, accountId)).orderBy(messages.id);
  return rows.map(({ id }) => id);
}

/** A zero grace and small batches, so every phase and batch boundary is reached within a test. */
export const FAST = { graceSeconds: 0, batchSize: 3 } as const;

/**
 * Steps the move until it is done or failed, calling `between` after each
 * step with the phase it left the move in; returns the move as it ended.
 */
export async function runMove(move: ShardMove, between: (phase: ShardMove["phase"]) => Promise<void> = async () => {}): Promise<ShardMove> {
  let current = move;
  for (let step = 0; step < 500; step++) {
    if (current.phase === "done" || current.phase === "failed") return current;
    current = (await advanceMove(env, workerControl(env), current, Date.now(), FAST)).move;
    await between(current.phase);
  }
  throw new Error(`move ${move.id} did not finish in 500 steps (phase ${current.phase})`);
}

/** Records a move as `npm run shards -- move` does (a shard_moves row, from the account's home unless `from` is given). */
export async function recordMove(accountId: string, to: number, from?: number): Promise<ShardMove> {
  const source = from ?? (await placementNow(accountId)).home;
  const move = await insertMove(db(), { accountId, from: source, to, now: unixSeconds() });
  if (!move) throw new Error(`account ${accountId} already has a move in progress`);
  return move;
}

export async function moveRecord(id: number): Promise<ShardMove> {
  return (await findMove(db(), id))!;
}
