// A move refused when it cannot be done (its own shard, an unbound one, a
// second at once); a step repeated after a crash, or a run overlapping
// another, doing no harm; verify repairing what changed under the copy.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { saveMove } from "../../src/db/shard-moves.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { workerControl } from "../../src/services/control.ts";
import { advanceMove, advanceShardMoves } from "../../src/services/shard-move.ts";
import { createAccount } from "../support/accounts.ts";
import { db } from "../support/db.ts";
import { FAST, idsOnShard, moveRecord, placementNow, recordMove, runMove, storeOnShard } from "../support/shards.ts";

const requested = recordMove;

// `npm run shards -- move` refuses these up front with the same rule
// (moveProblem, against the shard map); the Worker checks again at the start,
// against its own bindings, and this is what it does with a move the script
// recorded regardless (an older shard map, a script run twice at once).
describe("a move that cannot be done", () => {
  it("fails at its start, naming the reason and changing nothing, to the shard the account is on", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 2);

    const ended = await runMove(await recordMove(account.id, 0));

    expect(ended).toMatchObject({ phase: "failed", error: "the account's messages are already on shard 0" });
    expect(await placementNow(account.id)).toEqual({ home: 0, write: [0], read: [0] });
    expect(await idsOnShard(account.id, 0)).toEqual(ids);
  });

  it("fails at its start to a shard this Worker has no database for, naming the bound ones; the next move is not blocked", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 2);

    const ended = await runMove(await recordMove(account.id, 9));

    expect(ended).toMatchObject({ phase: "failed", error: "shard 9 is not a bound message database (bound: 0, 1)" });
    expect(await placementNow(account.id)).toEqual({ home: 0, write: [0], read: [0] });
    expect(await idsOnShard(account.id, 0)).toEqual(ids);
    expect((await runMove(await recordMove(account.id, 1))).phase).toBe("done");
  });

  it("is not recorded while another move of the account is in progress", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    await recordMove(account.id, 1);
    await expect(recordMove(account.id, 1)).rejects.toThrow(/already has a move in progress/);
  });

  it("fails at its start when the account left the target shard before (its ids would be looked for elsewhere)", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    await storeOnShard(account, 0, 1);
    await runMove(await recordMove(account.id, 1));

    const back = await runMove(await recordMove(account.id, 0));

    expect(back).toMatchObject({ phase: "failed", error: "the account was moved off shard 0; a shard it left is not given back" });
    expect(await placementNow(account.id)).toEqual({ home: 1, write: [1], read: [1], moved: { "0": 1 } });
  });
});

describe("a move interrupted or disturbed", () => {
  it("does each step again harmlessly when the crash came before the step's progress was recorded", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 7);
    let move = await requested(account.id, 1);
    const phases: string[] = [];
    for (let step = 0; step < 200 && move.phase !== "done"; step++) {
      // The step's writes land, its record does not: the next run starts from the old record.
      await advanceMove(env, workerControl(env), move, Date.now(), FAST);
      await saveMove(db(), move.id, move);
      move = (await advanceMove(env, workerControl(env), await moveRecord(move.id), Date.now(), FAST)).move;
      phases.push(move.phase);
    }

    expect(phases).toContain("done");
    expect(await placementNow(account.id)).toEqual({ home: 1, write: [1], read: [1], moved: { "0": 1 } });
    expect(await idsOnShard(account.id, 1)).toEqual(ids);
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });

  it("repairs at verify a row projected at the source alone and drops one retention deleted there", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const [kept, changed, expired] = await storeOnShard(account, 0, 3);
    let move = await requested(account.id, 1);
    while (move.phase !== "verifying") move = (await advanceMove(env, workerControl(env), move, Date.now(), FAST)).move;
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
    const account = await createAccount("test", { placement: homedOn(0) });
    const [id] = await storeOnShard(account, 0, 1);
    let move = await requested(account.id, 1);
    while (move.phase !== "verifying") move = (await advanceMove(env, workerControl(env), move, Date.now(), FAST)).move;
    await shardDatabase(env, 1).update(messages).set({ status: "delivered", projectionSeq: 2 }).where(eq(messages.id, id!));
    await shardDatabase(env, 0).update(messages).set({ status: "sent", projectionSeq: 1 }).where(eq(messages.id, id!));

    await runMove(move);

    const [row] = await shardDatabase(env, 1).select().from(messages).where(eq(messages.id, id!));
    expect(row).toMatchObject({ status: "delivered", projectionSeq: 2 });
  });

  it("is stepped by one maintenance run at a time: a run finds a move another holds and leaves it", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    await storeOnShard(account, 0, 2);
    const move = await requested(account.id, 1);
    const now = Date.now();
    await saveMove(db(), move.id, { leaseUntil: Math.floor(now / 1000) + 30 });

    await advanceShardMoves(env, workerControl(env), now, FAST);
    expect((await moveRecord(move.id)).phase).toBe("requested");

    // Once the lease ran out, the next run carries it through (a zero grace: no waits).
    await advanceShardMoves(env, workerControl(env), now + 31_000, FAST);
    expect((await moveRecord(move.id)).phase).toBe("done");
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });

  it("is not set back by a run that stalled past its lease and wakes with an old record", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 5);
    let move = await requested(account.id, 1);
    while (move.phase !== "copying") move = (await advanceMove(env, workerControl(env), move, Date.now(), FAST)).move;
    const stalled = move;
    while (move.phase !== "deleting") move = (await advanceMove(env, workerControl(env), move, Date.now(), FAST)).move;
    move = (await advanceMove(env, workerControl(env), move, Date.now(), FAST)).move; // one batch deleted from shard 0

    const woke = await advanceMove(env, workerControl(env), stalled, Date.now(), FAST);

    expect(woke).toMatchObject({ waiting: true, move: { phase: "deleting" } });
    expect((await moveRecord(move.id)).phase).toBe("deleting");
    expect((await runMove(move)).phase).toBe("done");
    expect(await idsOnShard(account.id, 1)).toEqual(ids);
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });
});
