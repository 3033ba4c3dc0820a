// `npm run shards -- add`: an account given one more shard spreads its new
// messages over both, and its list merges them, every message once forward
// and back; such an account can then be moved onto one shard again.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { setPlacement } from "../../src/db/shard-moves.ts";
import { homedOn, withShard } from "../../src/domain/placement.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";
import { createMessages, listMessages } from "../support/messages.ts";
import { idsOnShard, placementNow, recordMove, runMove, storeOnShard } from "../support/shards.ts";

/** What the script does: the placement written, and the account's gate (which holds it) told. */
async function addShard(account: TestAccount, shard: number): Promise<void> {
  await setPlacement(db(), account.id, withShard(await placementNow(account.id), shard));
  await env.ACCOUNT_GATE.getByName(account.id).changed({ account: true });
}

async function walk(account: TestAccount, limit: number): Promise<[string[], string[]]> {
  const pages = [await listMessages(account.key, { limit })];
  while (pages.at(-1)!.next_cursor !== null) pages.push(await listMessages(account.key, { limit, cursor: pages.at(-1)!.next_cursor! }));
  const backward = pages.at(-1)!.data.map(({ id }) => id);
  let page = pages.at(-1)!;
  while (page.prev_cursor !== null) {
    page = await listMessages(account.key, { limit, cursor: page.prev_cursor });
    backward.unshift(...page.data.map(({ id }) => id));
  }
  return [pages.flatMap((each) => each.data.map(({ id }) => id)), backward];
}

const newestFirst = (ids: string[]) => [...ids].sort().reverse();

describe("adding a shard to an account", () => {
  it("spreads its new messages over both shards and lists them all once, forward and back", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const before = await storeOnShard(account, 0, 3);

    await addShard(account, 1);
    // 24 creates land on one shard alone with probability 2^-23.
    const created = await createMessages(account.key, 24);

    expect(await placementNow(account.id)).toEqual({ home: 0, write: [0, 1], read: [0, 1] });
    expect((await idsOnShard(account.id, 0)).length).toBeGreaterThan(before.length);
    expect((await idsOnShard(account.id, 1)).length).toBeGreaterThan(0);
    const all = [...before, ...created];
    const [forward, backward] = await walk(account, 5);
    expect(forward).toEqual(newestFirst(all));
    expect(backward).toEqual(newestFirst(all));
    for (const id of created) expect((await api(`/v1/messages/${id}`, { key: account.key })).status).toBe(200);
  });

  it("can later be moved back onto one shard, keeping every message", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 4);
    await addShard(account, 1);
    ids.push(...(await storeOnShard(account, 1, 4)));
    await runMove(await recordMove(account.id, 1));

    expect(await placementNow(account.id)).toEqual({ home: 1, write: [1], read: [1], moved: { "0": 1 } });
    expect(await idsOnShard(account.id, 1)).toEqual([...ids].sort());
    const [forward, backward] = await walk(account, 3);
    expect(forward).toEqual(newestFirst(ids));
    expect(backward).toEqual(newestFirst(ids));
  });
});
