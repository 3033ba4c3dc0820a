// The shard map in the control database: which message databases exist, how
// full each is, and where a new account goes.
import { asc, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { accounts } from "./control-schema.ts";
import { messageShards } from "./shard-schema.ts";

/** Adds shards the map does not know yet (open, empty); known ones are left as they are. */
export async function registerShards(db: Database, shards: number[]): Promise<void> {
  if (shards.length === 0) return;
  await db
    .insert(messageShards)
    .values(shards.map((shard) => ({ shard })))
    .onConflictDoNothing();
}

/** Records each shard's measured size (bytes), registering any the map lacks. */
export async function recordShardSizes(db: Database, sizes: { shard: number; sizeBytes: number }[], measuredAt: number): Promise<void> {
  if (sizes.length === 0) return;
  await db
    .insert(messageShards)
    .values(sizes.map(({ shard, sizeBytes }) => ({ shard, sizeBytes, measuredAt })))
    .onConflictDoUpdate({ target: messageShards.shard, set: { sizeBytes: sql`excluded.size_bytes`, measuredAt: sql`excluded.measured_at` } });
}

/** Accounts homed on each shard (accounts without a placement are on shard 0). */
const homedAccounts = sql<number>`(SELECT count(*) FROM ${accounts} WHERE coalesce(json_extract(${accounts.placement}, '$.home'), 0) = ${messageShards.shard})`;

/**
 * The open shard a new account is homed on: the one holding the fewest bytes,
 * then the fewest accounts (shards measure alike until the maintenance has
 * measured them), then the lowest number. None when no shard is open.
 */
export function leastFilledShardQuery(db: Database) {
  return db
    .select({ shard: messageShards.shard })
    .from(messageShards)
    .where(sql`${messageShards.open} = 1`)
    .orderBy(asc(messageShards.sizeBytes), asc(homedAccounts), asc(messageShards.shard))
    .limit(1);
}
