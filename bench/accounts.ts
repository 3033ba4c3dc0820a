// The bench's accounts: test-mode, made as `npm run keys -- create` makes
// them, with no effective rate limit, and placed on the message databases a
// figure needs.
import { createKey } from "../scripts/lib/accounts.ts";
import { executeSql, quote } from "../scripts/lib/d1.ts";
import type { Placement } from "../src/domain/placement.ts";
import type { LocalWorker } from "./local-worker.ts";

/**
 * The bench's load far exceeds the default 100 requests/s per key: each bench
 * account gets the highest override `npm run keys -- limits --rps` allows (the
 * column it sets), so the rate limiter still runs on every request but never answers 429.
 */
const BENCH_RPS = 1_000_000;

/** An account on shard 0 alone, and one whose messages spread over shards 0 and 1 (its home 0). */
export const ONE_SHARD: Placement = { home: 0, write: [0], read: [0] };
export const TWO_SHARDS: Placement = { home: 0, write: [0, 1], read: [0, 1] };

export interface BenchAccount {
  account_id: string;
  key: string;
  headers: Record<string, string>;
}

/**
 * A test key for a new account `name`, placed as given before its first
 * request (a new account is homed on the least filled shard; the bench
 * decides instead, as `npm run shards` would, so that figures compare like with like).
 */
export async function benchAccount(instance: LocalWorker, name: string, placement: Placement = ONE_SHARD): Promise<BenchAccount> {
  const created = await createKey(instance.d1, name, "test");
  // One wrangler call for both (each costs seconds): the limit override and the placement.
  executeSql(
    instance.d1,
    `UPDATE accounts SET rate_limit_rps = ${BENCH_RPS}, placement = ${quote(JSON.stringify(placement))} WHERE id = ${quote(created.account_id)}`,
  );
  return { account_id: created.account_id, key: created.key, headers: { authorization: `Bearer ${created.key}` } };
}
