// Retention through its queue: the maintenance seeds a task per message
// database and per account with an expired archived day, a task that spends
// its budget queues its continuation, and one chain works a database at a time.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { shardMoves } from "../../src/db/shard-schema.ts";
import { workerControl } from "../../src/services/control.ts";
import { type RetentionTask, retentionTasks, runRetentionTask, seedRetention } from "../../src/services/retention-tasks.ts";
import { archivedInParts, dayStartDaysAgo } from "../messages/archive.fixture.ts";
import { objectRowCount } from "../messages/redact.fixture.ts";
import { db, messageCount } from "../support/db.ts";
import { hold } from "../support/hold.ts";
import { runQueueBatch } from "../support/queue.ts";
import { retainAll } from "../support/retention.ts";
import { recordMove } from "../support/shards.ts";
import { consume, expired, interceptFirstForget, SHARD_0, withRetention } from "./retention-queue.fixture.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the maintenance's seed", () => {
  it("queues a task per message database and one per account with an archived day past its retention, none for one whose days are kept", async () => {
    const expiring = await withRetention(9);
    const keeping = await withRetention(30);
    const moving = await withRetention(9);
    for (const account of [expiring, keeping, moving]) await archivedInParts(account, dayStartDaysAgo(10), [{}, {}], 5);
    // Under a shard move its archive waits for the move's end.
    const move = await recordMove(moving.id, 1);
    const batches: RetentionTask[][] = [];
    vi.spyOn(env.RETENTION_QUEUE, "sendBatch").mockImplementation(async (messages) => {
      batches.push([...messages].map((message) => message.body as RetentionTask));
      return {} as QueueSendBatchResponse;
    });
    const seeded = await seedRetention(env, workerControl(env), Date.now());
    const tasks = batches.flat();
    expect(seeded).toBe(tasks.length);
    expect(tasks).toEqual(await retentionTasks(env, workerControl(env), Date.now()));
    expect(tasks.filter((task) => task.kind === "messages")).toEqual([SHARD_0, { kind: "messages", shard: 1 }]);
    expect(tasks).toContainEqual({ kind: "archive", accountId: expiring.id });
    expect(tasks).not.toContainEqual({ kind: "archive", accountId: keeping.id });
    expect(tasks).not.toContainEqual({ kind: "archive", accountId: moving.id });
    await db().delete(shardMoves).where(eq(shardMoves.id, move.id));
    expect(await retentionTasks(env, workerControl(env), Date.now())).toContainEqual({ kind: "archive", accountId: moving.id });
    await retainAll("archive");
    const after = await retentionTasks(env, workerControl(env), Date.now());
    expect(after).not.toContainEqual({ kind: "archive", accountId: expiring.id });
    expect(after).not.toContainEqual({ kind: "archive", accountId: moving.id });
  });
});

describe("a task", () => {
  it("that spends its budget queues its continuation, and the chain empties the database's expired messages and their objects", async () => {
    await retainAll("messages");
    const account = await withRetention(1);
    const ids = await expired(account, 5);
    expect(await objectRowCount(ids[0]!)).toBeGreaterThan(0);

    const first = await consume([SHARD_0], 2);
    expect(first.explicitAcks).toHaveLength(1);
    expect(first.sent).toEqual([SHARD_0]);
    expect(await messageCount(account.id)).toBe(3);
    let continuation = first.sent;
    let tasks = 1;
    while (continuation.length > 0) {
      continuation = (await consume(continuation, 2)).sent;
      tasks++;
    }
    // 5 messages at 2 a task: 2, 2, then 1 with nothing more.
    expect(tasks).toBe(3);
    expect(await messageCount(account.id)).toBe(0);
    for (const id of ids) expect(await objectRowCount(id)).toBe(0);
  });

  it("finding its database's lease held (another chain at work) passes it over; another database's task goes on meanwhile", async () => {
    await retainAll("messages");
    const account = await withRetention(1);
    const ids = await expired(account, 3);
    const other = await withRetention(1, { home: 1, write: [1], read: [1] });
    await expired(other, 2);

    // The first task on database 0 is held inside its first object call.
    const gate = hold();
    interceptFirstForget(ids, () => gate.wait());
    const now = Date.now();
    const running = runRetentionTask(env, workerControl(env), SHARD_0, now);
    await gate.reached();

    expect(await runRetentionTask(env, workerControl(env), SHARD_0, now)).toEqual({ done: 0, more: false, held: true });
    expect(await messageCount(account.id)).toBe(3);
    const beside = await runRetentionTask(env, workerControl(env), { kind: "messages", shard: 1 }, now);
    expect(beside.held).toBe(false);
    expect(await messageCount(other.id)).toBe(0);

    gate.release();
    expect(await running).toMatchObject({ held: false, more: false });
    expect(await messageCount(account.id)).toBe(0);
    // Released: the next task takes the database again.
    expect((await runRetentionTask(env, workerControl(env), SHARD_0, Date.now())).held).toBe(false);
  });

  it("runs in the Worker's queue handler, which the retention queue's consumer is", async () => {
    await retainAll("messages");
    const account = await withRetention(1);
    await expired(account, 2);
    const { explicitAcks } = await runQueueBatch("omniflow-retention", [SHARD_0]);
    expect(explicitAcks).toHaveLength(1);
    expect(await messageCount(account.id)).toBe(0);
  });
});
