// An account's usage over a period: each of its message databases' rollups
// read in parallel and summed (src/domain/usage.ts). No scan of messages.
// Each database counts only the messages it holds for the account
// (shardsHeldOn): during a shard move the source's until the flip, the
// target's own and, from the flip, the copies; so every message once.
import { shardDatabase } from "../db/shards.ts";
import { metadataUsageOnShard, usageOnShard } from "../db/usage.ts";
import type { Account } from "../domain/account.ts";
import { placementOf, shardsHeldOn, shardsToRead } from "../domain/placement.ts";
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
  const placement = placementOf(account);
  const dbs = shardsToRead(placement).map((shard) => ({ db: shardDatabase(env, shard), bornOn: shardsHeldOn(placement, shard) }));
  const totals = mergeUsage(await Promise.all(dbs.map(({ db, bornOn }) => usageOnShard(db, account.id, bornOn, period, query.groups))));
  const key = query.metadataKey;
  if (key === null) return succeed(totals);
  // The schema refuses api_key beside a metadata key.
  const groups = query.groups as Exclude<UsageGroup, "api_key">[];
  const byKey = mergeUsage(await Promise.all(dbs.map(({ db, bornOn }) => metadataUsageOnShard(db, account.id, bornOn, period, groups, key))));
  return succeed(mergeUsage([withoutKey(totals, byKey)]));
}
