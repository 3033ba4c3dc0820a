// `npm run keys -- create` homes a new account on the open message database
// that holds the least: the very statement the command runs, run here on the
// test's control database in one batch (a transaction) with the sizes it sees.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newAccountStatement } from "../../scripts/lib/account-creation.ts";
import { newId, unixSeconds } from "../../src/domain/ids.ts";

/** Creates an account while shard 0 holds `sizes[0]` bytes and shard 1 `sizes[1]` (and `closed` take none); its placement, or null when none was made. */
async function createWith(sizes: [number, number], closed: number[] = []): Promise<unknown> {
  const id = newId("acct");
  const statement = newAccountStatement({ id, name: id, mode: "test", webhookSecret: "whsec_x", createdAt: unixSeconds() });
  const shardsAs = env.CONTROL_DB.prepare(
    "UPDATE message_shards SET size_bytes = CASE shard WHEN 0 THEN ? ELSE ? END, open = shard NOT IN (SELECT value FROM json_each(?))",
  ).bind(sizes[0], sizes[1], JSON.stringify(closed));
  const restore = env.CONTROL_DB.prepare("UPDATE message_shards SET open = 1");
  const [, , , read] = await env.CONTROL_DB.batch([
    shardsAs,
    env.CONTROL_DB.prepare(statement.sql).bind(...statement.params),
    restore,
    env.CONTROL_DB.prepare("SELECT placement FROM accounts WHERE id = ?").bind(id),
  ]);
  const row = read!.results[0] as { placement: string } | undefined;
  return row ? JSON.parse(row.placement) : null;
}

describe("a new account's home shard", () => {
  it("is the open shard holding the fewest bytes", async () => {
    expect(await createWith([5_000_000, 100_000])).toEqual({ home: 1, write: [1], read: [1] });
    expect(await createWith([100_000, 5_000_000])).toEqual({ home: 0, write: [0], read: [0] });
  });

  it("skips a closed shard however empty", async () => {
    expect(await createWith([100_000, 5_000_000], [0])).toEqual({ home: 1, write: [1], read: [1] });
  });

  it("is not made at all when no shard is open", async () => {
    expect(await createWith([0, 0], [0, 1])).toBeNull();
  });
});
