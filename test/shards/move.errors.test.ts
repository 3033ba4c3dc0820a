// A move refused when it cannot be done (its own shard, an unbound one, a
// second at once); a step repeated after a crash, or a run overlapping
// another, doing no harm; verify repairing what changed under the copy.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { insertMove, saveMove } from "../../src/db/shard-moves.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { advanceMove, advanceShardMoves, requestMove } from "../../src/services/shard-move.ts";
import { createAccount } from "../support/accounts.ts";
import { db } from "../support/db.ts";
import { FAST, idsOnShard, moveRecord, placementNow, runMove, storeOnShard } from "../support/shards.ts";

async function requested(accountId: string, to: number) {
  const result = await requestMove(env, accountId, to);
  if (!result.ok) throw new Error(result.problem.message);
  return result.value;
}

describe("a move that cannot be done", () => {
  it("is refused to the shard the account is on, naming it", async () => {
    const account = await createAccount();
    const result = await requestMove(env, account.id, 0);
    expect(result).toMatchObject({ ok: false, problem: { param: "to", message: expect.stringMatching(/already on shard 0/) } });
  });

  it("is refused to a shard this Worker has no database for, naming the bound ones", async () => {
    const account = await createAccount();
    const result = await requestMove(env, account.id, 7);
    expect(result).toMatchObject({
      ok: false,
      problem: { param: "to", message: expect.stringMatching(/shard 7 is not a bound message database \(bound: 0, 1\)/) },
    });
  });

  it("is refused while another move of the account is in progress", async () => {
    const account = await createAccount();
    await requested(account.id, 1);
    const second = await requestMove(env, account.id, 1);
    expect(second).toMatchObject({ ok: false, problem: { code: "move_in_progress" } });
  });

  it("fails at its start, changing nothing, when its target is not bound (recorded by the script against an older map)", async () => {
    const account = await createAccount();
    const ids = await storeOnShard(account, 0, 2);
    const move = (await insertMove(db(), { accountId: account.id, from: 0, to: 9, now: 0 }))!;

    const ended = await runMove(move);

    expect(ended).toMatchObject({ phase: "failed", error: expect.stringMatching(/shard 9 is not a bound/) });
    expect(await placementNow(account.id)).toEqual({ home: 0, write: [0], read: [0] });
    expect(await idsOnShard(account.id, 0)).toEqual(ids);
    // A failed move does not block the next one.
    expect((await requestMove(env, account.id, 1)).ok).toBe(true);
  });
});

describe("a move interrupted or disturbed", () => {
  it("does each step again harmlessly when the crash came before the step's progress was recorded", async () => {
    const account = await createAccount();
    const ids = await storeOnShard(account, 0, 7);
    let move = await requested(account.id, 1);
    const phases: string[] = [];
    for (let step = 0; step < 200 && move.phase !== "done"; step++) {
      // The step's writes land, its record does not: the next run starts from the old record.
      await advanceMove(env, move, Date.now(), FAST);
      await saveMove(db(), move.id, move);
      move = (await advanceMove(env, await moveRecord(move.id), Date.now(), FAST)).move;
      phases.push(move.phase);
    }

    expect(phases).toContain("done");
    expect(await placementNow(account.id)).toEqual({ home: 1, write: [1], read: [1], moved: { "0": 1 } });
    expect(await idsOnShard(account.id, 1)).toEqual(ids);
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });

  it("repairs at verify a row projected at the source alone and drops one retention deleted there", async () => {
    const account = await createAccount();
    const [kept, changed, expired] = await storeOnShard(account, 0, 3);
    let move = await requested(account.id, 1);
    while (move.phase !== "verifying") move = (await advanceMove(env, move, Date.now(), FAST)).move;
    // What a race with the copy could leave: the source newer than its copy, and a row gone from the source.
    await shardDatabase(env, 0).update(messages).set({ status: "delivered", projectionSeq: 4 }).where(eq(messages.id, changed!));
    await shardDatabase(env, 0).delete(messages).where(eq(messages.id, expired!));

    const done = await runMove(move);

    expect(done.phase).toBe("done");
    expect(await idsOnShard(account.id, 1)).toEqual([kept, changed]);
    const [row] = await shardDatabase(env, 1).select().from(messages).where(eq(messages.id, changed!));
    expect(row).toMatchObject({ status: "delivered", projectionSeq: 4 });
  });

  it("never lets a copy overwrite a row the target already holds with a later projection", async () => {
    const account = await createAccount();
    const [id] = await storeOnShard(account, 0, 1);
    let move = await requested(account.id, 1);
    while (move.phase !== "verifying") move = (await advanceMove(env, move, Date.now(), FAST)).move;
    await shardDatabase(env, 1).update(messages).set({ status: "delivered", projectionSeq: 2 }).where(eq(messages.id, id!));
    await shardDatabase(env, 0).update(messages).set({ status: "sent", projectionSeq: 1 }).where(eq(messages.id, id!));

    await runMove(move);

    const [row] = await shardDatabase(env, 1).select().from(messages).where(eq(messages.id, id!));
    expect(row).toMatchObject({ status: "delivered", projectionSeq: 2 });
  });

  it("is stepped by one maintenance run at a time: a run finds a move another holds and leaves it", async () => {
    const account = await createAccount();
    await storeOnShard(account, 0, 2);
    const move = await requested(account.id, 1);
    const now = Date.now();
    await saveMove(db(), move.id, { leaseUntil: Math.floor(now / 1000) + 30 });

    await advanceShardMoves(env, now, FAST);
    expect((await moveRecord(move.id)).phase).toBe("requested");

    // Once the lease ran out, the next run carries it through (a zero grace: no waits).
    await advanceShardMoves(env, now + 31_000, FAST);
    expect((await moveRecord(move.id)).phase).toBe("done");
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });

  it("is not set back by a run that stalled past its lease and wakes with an old record", async () => {
    const account = await createAccount();
    const ids = await storeOnShard(account, 0, 5);
    let move = await requested(account.id, 1);
    while (move.phase !== "copying") move = (await advanceMove(env, move, Date.now(), FAST)).move;
    const stalled = move;
    while (move.phase !== "deleting") move = (await advanceMove(env, move, Date.now(), FAST)).move;
    move = (await advanceMove(env, move, Date.now(), FAST)).move; // one batch deleted from shard 0

    const woke = await advanceMove(env, stalled, Date.now(), FAST);

    expect(woke).toMatchObject({ waiting: true, move: { phase: "deleting" } });
    expect((await moveRecord(move.id)).phase).toBe("deleting");
    expect((await runMove(move)).phase).toBe("done");
    expect(await idsOnShard(account.id, 1)).toEqual(ids);
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });
});
