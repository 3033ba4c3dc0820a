// An account's usage over a period: each of its message databases' rollups
// read in parallel and summed (src/domain/usage.ts). No scan of messages.
import { shardDatabase } from "../db/shards.ts";
import { metadataUsageOnShard, usageOnShard } from "../db/usage.ts";
import type { Account } from "../domain/account.ts";
import { placementOf, shardsToRead } from "../domain/placement.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { mergeUsage, type UsageGroup, type UsageGrouping, type UsageRow, usagePeriod, withoutKey } from "../domain/usage.ts";

export async function accountUsage(
  env: Env,
  account: Account,
  query: { start?: string; end?: string } & UsageGrouping,
  now = Date.now(),
): Promise<Result<UsageRow[]>> {
  const period = usagePeriod(query, now);
  if ("error" in period) return fail(period.param, "parameter_invalid", `Invalid ${period.param}: ${period.error}.`);
  const dbs = shardsToRead(placementOf(account)).map((shard) => shardDatabase(env, shard));
  const totals = mergeUsage(await Promise.all(dbs.map((db) => usageOnShard(db, account.id, period, query.groups))));
  const key = query.metadataKey;
  if (key === null) return succeed(totals);
  // The schema refuses api_key beside a metadata key.
  const groups = query.groups as Exclude<UsageGroup, "api_key">[];
  const byKey = mergeUsage(await Promise.all(dbs.map((db) => metadataUsageOnShard(db, account.id, period, groups, key))));
  return succeed(mergeUsage([withoutKey(totals, byKey)]));
}
