// Retention's tasks when something fails: an object that cannot be emptied,
// a database that throws. Nothing is lost: the messages stay for the next task.
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { takeArchiveLease } from "../../src/db/archive-leases.ts";
import { workerControl } from "../../src/services/control.ts";
import { runRetentionTask } from "../../src/services/retention-tasks.ts";
import { objectRowCount } from "../messages/redact.fixture.ts";
import { db, messageCount } from "../support/db.ts";
import { retainAll } from "../support/retention.ts";
import { consume, expired, interceptFirstForget, SHARD_0, withRetention } from "./retention-queue.fixture.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

it("keeps a message whose object could not be emptied, ends the task without a continuation, and the next task deletes it", async () => {
  await retainAll("messages");
  const account = await withRetention(1);
  const ids = await expired(account, 3);
  interceptFirstForget(ids, async () => {
    throw new Error("object unreachable");
  });
  const { explicitAcks, sent } = await consume([SHARD_0], 100);
  expect(explicitAcks).toHaveLength(1);
  // Not a chain spinning on the broken object: the next minute's seed tries again.
  expect(sent).toEqual([]);
  expect(await messageCount(account.id)).toBe(1);
  const kept = [];
  for (const id of ids) if ((await objectRowCount(id)) > 0) kept.push(id);
  expect(kept).toHaveLength(1);

  vi.restoreAllMocks();
  expect((await runRetentionTask(env, workerControl(env), SHARD_0, Date.now())).done).toBeGreaterThanOrEqual(1);
  expect(await messageCount(account.id)).toBe(0);
  expect(await objectRowCount(kept[0]!)).toBe(0);
});

it("retries a task whose database failed, with backoff, and releases its lease for the retry", async () => {
  await retainAll("messages");
  const account = await withRetention(1);
  await expired(account, 2);
  vi.spyOn(env.MESSAGES_DB_0, "prepare").mockImplementation(() => {
    throw new Error("D1_ERROR: database unavailable");
  });
  const { explicitAcks, retryMessages, retryDelays, sent } = await consume([SHARD_0], 100);
  expect(explicitAcks).toEqual([]);
  expect(retryMessages).toHaveLength(1);
  expect(retryDelays[0]).toBeGreaterThanOrEqual(1);
  expect(sent).toEqual([]);
  vi.restoreAllMocks();
  expect(await messageCount(account.id)).toBe(2);
  expect(await runRetentionTask(env, workerControl(env), SHARD_0, Date.now())).toMatchObject({ held: false, more: false });
  expect(await messageCount(account.id)).toBe(0);
});

it("waits out the lease of a task that died holding it, two minutes at most, then takes the database over", async () => {
  await retainAll("messages");
  const account = await withRetention(1);
  await expired(account, 2);
  // A task killed mid-way (a deploy, an exceeded limit): its lease is never released.
  const diedAt = Date.now();
  expect(await takeArchiveLease(db(), "retention:shard:0", diedAt, diedAt + 120_000)).not.toBeNull();
  expect(await runRetentionTask(env, workerControl(env), SHARD_0, diedAt + 60_000)).toEqual({ done: 0, more: false, held: true });
  expect(await messageCount(account.id)).toBe(2);
  expect(await runRetentionTask(env, workerControl(env), SHARD_0, diedAt + 120_000)).toMatchObject({ held: false, more: false });
  expect(await messageCount(account.id)).toBe(0);
});
