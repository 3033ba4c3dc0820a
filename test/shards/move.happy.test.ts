// Moving an account from message database 0 to 1 (`npm run shards -- move`):
// afterwards every message answers by its old id, lists exactly once in both
// directions and is gone from shard 0; while it runs, creates, reads and
// status projections go on, none lost or doubled. The move's steps are driven
// here one by one with a zero grace.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { completeClaim } from "../../src/db/idempotency.ts";
import { idempotencyKeys } from "../../src/db/message-schema.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { homedOn } from "../../src/domain/placement.ts";
import worker from "../../src/index.ts";
import { workerControl } from "../../src/services/control.ts";
import { advanceMove } from "../../src/services/shard-move.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessages, listMessages } from "../support/messages.ts";
import { idsOnShard, moveRecord, placementNow, project, recordMove, runMove, storeOnShard } from "../support/shards.ts";

const startMove = (account: TestAccount, to: number) => recordMove(account.id, to);

/** Every id of the account's list walked forward with `limit`, then back from the last page: [forward, backward]. */
async function walk(account: TestAccount, limit: number): Promise<[string[], string[]]> {
  const pages = [await listMessages(account.key, { limit })];
  while (pages.at(-1)!.next_cursor !== null) pages.push(await listMessages(account.key, { limit, cursor: pages.at(-1)!.next_cursor! }));
  const forward = pages.flatMap((page) => page.data.map(({ id }) => id));
  const backward = [...pages.at(-1)!.data.map(({ id }) => id)];
  let page = pages.at(-1)!;
  while (page.prev_cursor !== null) {
    page = await listMessages(account.key, { limit, cursor: page.prev_cursor });
    backward.unshift(...page.data.map(({ id }) => id));
  }
  return [forward, backward];
}

/** Newest first, as the list answers. */
const newestFirst = (ids: string[]) => [...ids].sort().reverse();

async function retrieve(account: TestAccount, id: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await api(`/v1/messages/${id}`, { key: account.key });
  return { status: res.status, body: await res.json() };
}

describe("moving an account to another shard", () => {
  it("leaves every message retrievable by its id, listed once forward and back, and none on the old shard", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const neighbour = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 7);
    const theirs = await storeOnShard(neighbour, 0, 2);

    const done = await runMove(await startMove(account, 1));

    expect(done.phase).toBe("done");
    expect(await placementNow(account.id)).toEqual({ home: 1, write: [1], read: [1], moved: { "0": 1 } });
    for (const id of ids) expect((await retrieve(account, id)).body).toMatchObject({ id, status: "sent" });
    const [forward, backward] = await walk(account, 2);
    expect(forward).toEqual(newestFirst(ids));
    expect(backward).toEqual(newestFirst(ids));
    expect(await idsOnShard(account.id, 0)).toEqual([]);
    expect(await idsOnShard(account.id, 1)).toEqual(ids);
    // Another account on the same shard is not touched.
    expect(await idsOnShard(neighbour.id, 0)).toEqual(theirs);
    expect(await placementNow(neighbour.id)).toEqual({ home: 0, write: [0], read: [0] });
  });

  it("loses and doubles nothing created, read or projected during each phase", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 5);
    const phasesSeen = new Set<string>();
    let seq = 0;
    const expectedStatus = new Map<string, string>();

    await runMove(await startMove(account, 1), async (phase) => {
      phasesSeen.add(phase);
      // Creates go on: a message through the API in every phase.
      ids.push(...(await createMessages(account.key, 1)));
      // Status projections go on: one to the oldest message, which the move carries.
      seq++;
      const status = seq % 2 === 0 ? "delivered" : "undelivered";
      await project(account.id, ids[0]!, status, seq);
      expectedStatus.set(ids[0]!, status);
      // Reads go on: the whole list, and the projected message, mid-move.
      const [forward, backward] = await walk(account, 3);
      expect(forward).toEqual(newestFirst(ids));
      expect(backward).toEqual(newestFirst(ids));
      expect((await retrieve(account, ids[0]!)).body.status).toBe(status);
    });

    expect([...phasesSeen]).toEqual(expect.arrayContaining(["started", "copying", "verifying", "flipped", "recopying", "deleting", "done"]));
    for (const id of ids) expect((await retrieve(account, id)).status).toBe(200);
    expect((await retrieve(account, ids[0]!)).body.status).toBe(expectedStatus.get(ids[0]!));
    const [forward, backward] = await walk(account, 4);
    expect(forward).toEqual(newestFirst(ids));
    expect(backward).toEqual(newestFirst(ids));
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });

  it("answers an Idempotency-Key used before the move with the same message after it", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const body = { channel: "SMS", to: "+14155550123", content: { text: "keyed" } };
    const headers = { "Idempotency-Key": "move-key-1" };
    const first = await api("/v1/messages", { key: account.key, json: body, headers });
    expect(first.status).toBe(201);
    const { id } = await first.json<{ id: string }>();

    await runMove(await startMove(account, 1));

    const again = await api("/v1/messages", { key: account.key, json: body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await again.json<{ id: string }>()).id).toBe(id);
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });

  it("settles at the recopy the claims copied in flight with the responses their requests completed with on the old home, and carries any key left there", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const claim = { accountId: account.id, key: "in-flight", token: "token-1" };
    const key = (name: string, lockToken: string | null) => ({
      accountId: account.id,
      key: name,
      fingerprint: `fp-${name}`,
      lockToken,
      lockedAt: 1_700_000_000,
      createdAt: 1_700_000_000,
      expiresAt: 4_000_000_000,
    });
    await shardDatabase(env, 0).insert(idempotencyKeys).values(key("in-flight", "token-1"));

    await runMove(await startMove(account, 1), async (phase) => {
      if (phase !== "flipped") return;
      // A request that claimed before the seal completes its claim on the old home; a key is written there directly
      // (no claim can be made there since the seal: see move-keys.errors).
      await completeClaim(shardDatabase(env, 0), claim, { status: 200, contentType: "application/json", body: '{"ok":true}' });
      await shardDatabase(env, 0)
        .insert(idempotencyKeys)
        .values({ ...key("late", null), responseStatus: 201, responseContentType: "application/json", responseBody: "{}" });
    });

    const moved = await shardDatabase(env, 1).select().from(idempotencyKeys).where(eq(idempotencyKeys.accountId, account.id)).orderBy(idempotencyKeys.key);
    expect(moved).toMatchObject([
      { key: "in-flight", responseStatus: 200, responseBody: '{"ok":true}', lockToken: null },
      { key: "late", responseStatus: 201 },
    ]);
    expect(await shardDatabase(env, 0).select().from(idempotencyKeys).where(eq(idempotencyKeys.accountId, account.id))).toEqual([]);
  });

  it("waits the grace after each placement change before it copies, and again before it deletes", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 2);
    const options = { graceSeconds: 60, batchSize: 100 };
    const start = Date.now();
    let move = (await advanceMove(env, workerControl(env), await startMove(account, 1), start, options)).move;
    expect(move.phase).toBe("started");

    expect(await advanceMove(env, workerControl(env), move, start + 59_000, options)).toMatchObject({ waiting: true, move: { phase: "started" } });
    expect(await idsOnShard(account.id, 1)).toEqual([]);
    while (move.phase !== "flipped") move = (await advanceMove(env, workerControl(env), move, start + 61_000, options)).move;
    expect(await idsOnShard(account.id, 1)).toEqual(ids);

    expect(await advanceMove(env, workerControl(env), move, start + 61_000 + 59_000, options)).toMatchObject({ waiting: true, move: { phase: "flipped" } });
    expect(await idsOnShard(account.id, 0)).toEqual(ids);
    while (move.phase !== "done") move = (await advanceMove(env, workerControl(env), move, start + 61_000 + 61_000, options)).move;
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });

  it("is carried out by the every-minute Cron Trigger, waiting its 60 s grace twice", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids = await storeOnShard(account, 0, 3);
    const move = await recordMove(account.id, 1);
    // Only the move's progress is asserted: the maintenance's other tasks (each run even when another fails) have their own tests.
    const cron = (ms: number) => worker.scheduled(createScheduledController({ scheduledTime: ms, cron: "* * * * *" }), env).catch(() => undefined);
    const start = Date.now();

    await cron(start);
    const started = await moveRecord(move.id);
    expect(started).toMatchObject({ phase: "started", leaseUntil: null });
    // Each grace counts from its phase's start, which comes as far into its run as the steps took (the other tasks run beside them).
    await cron((started.phaseStartedAt + 61) * 1000);
    expect((await moveRecord(move.id)).phase).toBe("flipped");
    expect(await idsOnShard(account.id, 1)).toEqual(ids);
    await cron(((await moveRecord(move.id)).phaseStartedAt + 61) * 1000);
    expect((await moveRecord(move.id)).phase).toBe("done");
    expect(await idsOnShard(account.id, 0)).toEqual([]);
  });
});
