// An account's usage over a period: each of its message databases' rollups
// read in parallel and summed (src/domain/usage.ts). No scan of messages.
import { shardDatabase } from "../db/shards.ts";
import { usageOnShard } from "../db/usage.ts";
import type { Account } from "../domain/account.ts";
import { placementOf, shardsToRead } from "../domain/placement.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { mergeUsage, type UsageGroup, type UsageRow, usagePeriod } from "../domain/usage.ts";

export async function accountUsage(
  env: Env,
  account: Account,
  query: { start?: string; end?: string; groups: UsageGroup[] },
  now = Date.now(),
): Promise<Result<UsageRow[]>> {
  const period = usagePeriod(query, now);
  if ("error" in period) return fail(period.param, "parameter_invalid", `Invalid ${period.param}: ${period.error}.`);
  const shards = shardsToRead(placementOf(account));
  const parts = await Promise.all(shards.map((shard) => usageOnShard(shardDatabase(env, shard), account.id, period, query.groups)));
  return succeed(mergeUsage(parts));
}
