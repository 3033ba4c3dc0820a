// The message databases this Worker is bound to: shard N is the D1 binding
// MESSAGES_DB_N (wrangler.toml). Which shards an account uses is its
// placement (src/domain/placement.ts); which shard a message is on, its id.
import { sql } from "drizzle-orm";
import { shardOfMessageId } from "../domain/ids.ts";
import { type Placement, shardHolding } from "../domain/placement.ts";
import { type Database, database } from "./client.ts";

const SHARD_BINDING = /^MESSAGES_DB_(\d+)$/;

/** A placement names a shard this Worker has no binding for: wrangler.toml and the shard map disagree. */
class ShardNotBound extends Error {
  override readonly name = "ShardNotBound";
  constructor(readonly shard: number) {
    super(`Message database ${shard} is not bound: add MESSAGES_DB_${shard} to wrangler.toml (docs/operations.md, "Adding a message database").`);
  }
}

// Keyed on the env object: an isolate's env does not change.
const boundShards = new WeakMap<object, number[]>();

/** Every shard bound to this Worker, in order. */
export function messageShards(env: Env): number[] {
  let shards = boundShards.get(env);
  if (!shards) {
    shards = Object.keys(env)
      .map((name) => SHARD_BINDING.exec(name)?.[1])
      .filter((digits) => digits !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    boundShards.set(env, shards);
  }
  return shards;
}

/** The drizzle client of every bound shard, in shard order: what the maintenance runs on each database in turn. */
export function messageDatabases(env: Env): Database[] {
  return messageShards(env).map((shard) => shardDatabase(env, shard));
}

/** The D1 binding of a shard. */
export function shardBinding(env: Env, shard: number): D1Database {
  const binding = (env as unknown as Record<string, D1Database | undefined>)[`MESSAGES_DB_${shard}`];
  if (!binding) throw new ShardNotBound(shard);
  return binding;
}

/** The drizzle client of a shard. */
export function shardDatabase(env: Env, shard: number): Database {
  return database(shardBinding(env, shard));
}

/** The database holding a message of an account so placed. */
export function messageDatabase(env: Env, placement: Placement, messageId: string): Database {
  return shardDatabase(env, shardHolding(placement, shardOfMessageId(messageId)));
}

/** The same, or null when the id names a shard this Worker has no database for: no such message (a made-up id). */
export function existingMessageDatabase(env: Env, placement: Placement, messageId: string): Database | null {
  const shard = shardHolding(placement, shardOfMessageId(messageId));
  return messageShards(env).includes(shard) ? shardDatabase(env, shard) : null;
}

/** The database's size in bytes, as D1 reports it with every query (size_after). */
export async function databaseSize(db: Database): Promise<number> {
  const result = await db.run(sql`SELECT 1`);
  return result.meta.size_after ?? 0;
}
