// How full each message database is, measured every minute into the shard
// map, where a new account's home is chosen (the least filled open shard).
import { recordShardSizes } from "../db/shard-map.ts";
import { databaseSize, messageShards, shardDatabase } from "../db/shards.ts";
import { unixSeconds } from "../domain/ids.ts";
import type { Control } from "./control.ts";

/** Records every bound shard's size in the shard map (registering a shard it does not know yet); the sizes. */
export async function measureShards(env: Env, control: Control, nowMs: number): Promise<{ shard: number; sizeBytes: number }[]> {
  const sizes = await Promise.all(messageShards(env).map(async (shard) => ({ shard, sizeBytes: await databaseSize(shardDatabase(env, shard)) })));
  await recordShardSizes(control.db, sizes, unixSeconds(nowMs));
  return sizes;
}
