// Idempotency-Keys across a shard move: a keyed create claimed in
// any phase of the move, retried during the move and after the flip, answers
// with its one message; a claim whose request was still running when the keys
// were copied is never taken over at the new home as abandoned; a request that
// still holds the old placement after the flip claims nothing at the old home.
// The move is driven step by step with a zero grace.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { claimIdempotencyKey } from "../../src/db/idempotency.ts";
import type { ShardMove } from "../../src/db/shard-moves.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { newMessageId, unixSeconds } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { requestFingerprint } from "../../src/domain/request-fingerprint.ts";
import { workerControl } from "../../src/services/control.ts";
import { advanceMove, advanceShardMoves } from "../../src/services/shard-move.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, listAll } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";
import { storeMessage } from "../support/queue.ts";
import { FAST, idsOnShard, moveRecord, recordMove, runMove, storeOnShard } from "../support/shards.ts";
import { waitForStatus } from "../support/wait.ts";

const BODY = smsBody({ content: { text: "keyed across a move" } });
const FINAL = ["delivered", "read", "undelivered", "failed"];

function keyedCreate(account: TestAccount, key: string): Promise<Response> {
  return api("/v1/messages", { key: account.key, json: BODY, headers: { "Idempotency-Key": key } });
}

/** The key's answer: the message id of a 201 (and whether it was a replay), or the status of anything else. */
async function answer(account: TestAccount, key: string): Promise<{ status: number; id?: string; replayed: boolean }> {
  const res = await keyedCreate(account, key);
  const replayed = res.headers.get("Idempotent-Replayed") === "true";
  if (res.status !== 201) return { status: res.status, replayed };
  return { status: 201, id: (await res.json<{ id: string }>()).id, replayed };
}

const allIds = async (account: TestAccount) => (await listAll<{ id: string }>("/v1/messages", account.key, 100)).map(({ id }) => id);

async function stepUntil(move: ShardMove, phase: ShardMove["phase"]): Promise<ShardMove> {
  let current = move;
  for (let step = 0; current.phase !== phase; step++) {
    if (step > 100) throw new Error(`the move never reached ${phase} (at ${current.phase})`);
    current = (await advanceMove(env, workerControl(env), current, Date.now(), FAST)).move;
  }
  return current;
}

/** What a keyed create's request does at the home it holds before it inserts its message: the claim, made `ageSeconds` ago. */
async function claimAtOldHome(account: TestAccount, key: string, ageSeconds: number) {
  const messageId = newMessageId(0);
  const outcome = await claimIdempotencyKey(shardDatabase(env, 0), {
    accountId: account.id,
    key,
    token: crypto.randomUUID(),
    fingerprint: await requestFingerprint("POST", "/v1/messages", BODY),
    now: unixSeconds() - ageSeconds,
    ttlSeconds: 86_400,
    lockSeconds: 60,
    messageId,
  });
  return { outcome, messageId };
}

describe("an Idempotency-Key across a shard move", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("claimed in any phase, answers with its one message at every retry, during the move and after it, and the message is handed off once", async () => {
    // Every retry of every key is a request: a rate limit that never answers 429 here.
    const account = await createAccount("test", { placement: homedOn(0), rateLimitRps: 10_000 });
    const stored = await storeOnShard(account, 0, 4);
    const first = new Map<string, string>();
    const refused = new Map<string, string>();
    const claimedIn = new Set<string>();

    const before = await answer(account, "key-before");
    first.set("key-before", before.id!);
    let previous = { key: "key-before", phase: "requested" };
    await runMove(await recordMove(account.id, 1), async (phase) => {
      // After every step, the last key claimed replays its message; at the flip, every key answered so far does.
      const retried = phase === "flipped" && previous.phase !== "flipped" ? [...first.keys()] : [previous.key].filter((key) => first.has(key));
      for (const key of retried) expect(await answer(account, key)).toEqual({ status: 201, id: first.get(key), replayed: true });
      if (phase === previous.phase) return;
      // A new key in each phase, at its first step.
      const key = `key-${phase}`;
      previous = { key, phase };
      const now = await answer(account, key);
      if (now.status === 201) {
        expect(now.replayed).toBe(false);
        first.set(key, now.id!);
        claimedIn.add(phase);
      } else {
        // Only while the keys are sealed at the old home and not yet at the new one: "in use, retry in a second".
        expect({ phase, status: now.status }).toEqual({ phase: "sealing_keys", status: 409 });
        refused.set(key, phase);
      }
    });

    expect([...claimedIn]).toEqual(
      expect.arrayContaining(["started", "copying", "verifying", "copying_keys", "flipped", "recopying", "recopying_keys", "deleting", "done"]),
    );
    expect(new Set(refused.values())).toEqual(new Set(["sealing_keys"]));
    // A refused key's retry creates its message once.
    for (const key of refused.keys()) {
      const created = await answer(account, key);
      expect(created).toMatchObject({ status: 201, replayed: false });
      first.set(key, created.id!);
    }
    for (const [key, id] of first) expect(await answer(account, key)).toEqual({ status: 201, id, replayed: true });
    const keyed = [...first.values()];
    expect(new Set(keyed).size).toBe(keyed.length);
    expect((await allIds(account)).sort()).toEqual([...stored, ...keyed].sort());
    expect(await idsOnShard(account.id, 0)).toEqual([]);
    for (const id of keyed) {
      await waitForStatus(account, id, FINAL);
      const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: { outcome?: string } }[] }>();
      expect(events.data.filter((event) => event.type === "provider.attempt" && event.data.outcome === "accepted")).toHaveLength(1);
    }
  });

  it("copied while its request still ran, replays the message that request made at the old home, never taking the claim over as abandoned", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const stored = await storeOnShard(account, 0, 2);
    const move = await stepUntil(await recordMove(account.id, 1), "copying_keys");
    // Claimed 100 s ago (past the 60 s lock) by a request that has not inserted its message yet.
    const { outcome, messageId } = await claimAtOldHome(account, "slow", 100);
    expect(outcome.kind).toBe("claimed");
    let current = await stepUntil(move, "sealing_keys");
    // The request inserts its message at the old home after the keys were copied, before the flip.
    await storeMessage(account, { id: messageId }, 0);
    current = await stepUntil(current, "flipped");

    // The retry holds the new placement: the new home.
    expect(await answer(account, "slow")).toEqual({ status: 201, id: messageId, replayed: true });
    await runMove(current);
    expect(await answer(account, "slow")).toEqual({ status: 201, id: messageId, replayed: true });
    expect((await allIds(account)).sort()).toEqual([...stored, messageId].sort());
  });

  it("still running at the flip, is answered 'in use' at the new home until the move brings what it made, then replays it", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const stored = await storeOnShard(account, 0, 2);
    const move = await stepUntil(await recordMove(account.id, 1), "copying_keys");
    const { outcome, messageId } = await claimAtOldHome(account, "slower", 100);
    expect(outcome.kind).toBe("claimed");
    const flipped = await stepUntil(move, "flipped");

    // Past its lock, but the request may still complete at the old home: not abandoned, no second message.
    expect(await answer(account, "slower")).toMatchObject({ status: 409 });
    // It does: its message lands at the old home, and the rest of the move carries it.
    await storeMessage(account, { id: messageId }, 0);
    await runMove(flipped);

    expect(await answer(account, "slower")).toEqual({ status: 201, id: messageId, replayed: true });
    expect((await allIds(account)).sort()).toEqual([...stored, messageId].sort());
  });

  it("whose request died after the copy, is freed for a retry once the move has settled it, and makes one message", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const stored = await storeOnShard(account, 0, 2);
    const move = await stepUntil(await recordMove(account.id, 1), "copying_keys");
    await claimAtOldHome(account, "dead", 100);
    await runMove(await stepUntil(move, "flipped"));

    const retried = await answer(account, "dead");
    expect(retried).toMatchObject({ status: 201, replayed: false });
    expect(await answer(account, "dead")).toEqual({ status: 201, id: retried.id, replayed: true });
    expect((await allIds(account)).sort()).toEqual([...stored, retried.id].sort());
  });

  it("claimed after the flip by a request that still holds the old placement, is refused at the old home, so its retry makes the one message", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const stored = await storeOnShard(account, 0, 2);
    const flipped = await stepUntil(await recordMove(account.id, 1), "flipped");

    const stale = await claimAtOldHome(account, "late", 0);
    expect(stale.outcome).toEqual({ kind: "in_flight" });
    const retried = await answer(account, "late");
    expect(retried).toMatchObject({ status: 201, replayed: false });
    await runMove(flipped);

    expect(await answer(account, "late")).toEqual({ status: 201, id: retried.id, replayed: true });
    expect((await allIds(account)).sort()).toEqual([...stored, retried.id].sort());
  });

  it("is refused at the old home for no longer than the sealing steps: a maintenance run carries a sealed move to its flip past its time budget", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    await storeOnShard(account, 0, 2);
    const move = await stepUntil(await recordMove(account.id, 1), "copying_keys");
    for (const key of ["a", "b", "c", "d"]) expect((await answer(account, key)).status).toBe(201);
    await stepUntil(move, "sealing_keys");
    expect((await answer(account, "new")).status).toBe(409);

    // The run's 20 s are spent by its first look at the clock.
    const start = Date.now();
    let looks = 0;
    vi.spyOn(Date, "now").mockImplementation(() => start + (looks++ === 0 ? 0 : 25_000));
    await advanceShardMoves(env, workerControl(env), start, FAST);
    vi.restoreAllMocks();

    expect((await moveRecord(move.id)).phase).toBe("flipped");
    expect(await answer(account, "new")).toMatchObject({ status: 201, replayed: false });
  });

  it("carries a full batch of keyed creates made since the key copy at the seal, messages and all (D1 binds at most 100 parameters)", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    let move = await stepUntil(await recordMove(account.id, 1), "copying_keys");
    const made: string[] = [];
    for (let i = 0; i < 100; i++) {
      const { messageId } = await claimAtOldHome(account, `full-${i}`, 0);
      made.push(await storeMessage(account, { id: messageId }, 0));
    }
    while (move.phase !== "flipped") move = (await advanceMove(env, workerControl(env), move, Date.now(), { graceSeconds: 0, batchSize: 100 })).move;

    expect(await idsOnShard(account.id, 1)).toEqual(made.sort());
    expect(await answer(account, "full-99")).toEqual({ status: 201, id: made.at(-1), replayed: true });
  });
});
