import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { stuckQueuedMessagesQuery } from "../../src/db/messages.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { RECONCILE } from "../../src/delivery/reconcile.ts";
import worker from "../../src/index.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { storeMessage } from "../support/queue.ts";
import { waitForStatusThroughQueue } from "../support/wait.ts";

afterEach(() => vi.restoreAllMocks());

// The reconciler scans every account, and test files share one database. So
// instead of moving the clock forward, each test moves its own messages back
// to 1970 and runs the cron there: no other test's message is that old, and
// each test goes further back than the one before, past what that one left.
let epoch = 1_000_000;
/** A fresh "long ago" for one test (Unix seconds). */
const longAgo = () => (epoch -= 10_000);

/** The Cron Trigger's run at `seconds` (Unix). */
function cronRunAt(seconds: number) {
  return worker.scheduled(createScheduledController({ scheduledTime: seconds * 1000, cron: "* * * * *" }), env);
}

async function age(ids: string[], updatedAt: number) {
  await Promise.all(ids.map((id) => messageDb(id).update(messages).set({ updatedAt }).where(eq(messages.id, id))));
}

/**
 * A message stranded as if the Worker died mid-create, after its insert and
 * before its job was sent: the row is stored, queued, and no job or re-drive
 * exists (a failed send is re-driven by the message's object: redrive.errors).
 */
const strandedMessage = (account: TestAccount) => storeMessage(account);

/** The message ids of every job sent with sendBatch during the test. */
function requeuedIds(sendBatch: { mock: { calls: unknown[][] } }): string[] {
  return sendBatch.mock.calls.flatMap(([jobs]) => (jobs as { body: { messageId: string } }[]).map((job) => job.body.messageId));
}

async function providerAttempts(account: TestAccount, id: string): Promise<number> {
  const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string }[] }>();
  return events.data.filter((event) => event.type === "provider.attempt").length;
}

describe("reconciler (Cron Trigger every minute)", () => {
  it("re-enqueues a message stranded at create (no job sent), after the grace period, and it is delivered once", async () => {
    const account = await createAccount();
    const id = await strandedMessage(account);
    const queuedAt = longAgo();
    await age([id], queuedAt);
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch");
    vi.spyOn(console, "log").mockImplementation(() => {});

    await cronRunAt(queuedAt + RECONCILE.graceSeconds - 60); // still within the grace period
    expect(requeuedIds(sendBatch)).not.toContain(id);

    await cronRunAt(queuedAt + RECONCILE.graceSeconds + 60);
    expect(requeuedIds(sendBatch)).toEqual([id]);
    expect(sendBatch).toHaveBeenCalledWith([{ body: { messageId: id }, contentType: "json" }]);

    await waitForStatusThroughQueue(account, id, ["delivered"]);
    expect(await providerAttempts(account, id)).toBe(1);
  });

  it("hands a message to the provider once when the original job turns up after the reconciler re-sent it", async () => {
    const account = await createAccount();
    // The create's send "succeeds" but the job is held up somewhere in the Queue.
    vi.spyOn(env.MESSAGES_QUEUE, "send").mockResolvedValueOnce({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } } as never);
    const { id } = await (await api("/v1/messages", { key: account.key, json: smsBody() })).json<{ id: string }>();
    const queuedAt = longAgo();
    await age([id], queuedAt);
    vi.spyOn(console, "log").mockImplementation(() => {});

    await cronRunAt(queuedAt + RECONCILE.graceSeconds + 60);
    await waitForStatusThroughQueue(account, id, ["delivered"]);
    await env.MESSAGES_QUEUE.send({ messageId: id }, { contentType: "json" }); // the original, late
    await scheduler.wait(500);
    expect(await providerAttempts(account, id)).toBe(1);
    expect((await waitForStatusThroughQueue(account, id, ["delivered"])).status).toBe("delivered");
  });

  it("sends it again only once another grace period has passed since the last re-send", async () => {
    const account = await createAccount();
    const id = await strandedMessage(account);
    const queuedAt = longAgo();
    await age([id], queuedAt);
    // The Queue takes the jobs but nothing arrives: the message stays queued.
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockResolvedValue({} as never);
    vi.spyOn(console, "log").mockImplementation(() => {});
    const firstRun = queuedAt + RECONCILE.graceSeconds + 60;
    await cronRunAt(firstRun);
    await cronRunAt(firstRun + RECONCILE.graceSeconds - 1);
    expect(requeuedIds(sendBatch)).toEqual([id]);
    await cronRunAt(firstRun + RECONCILE.graceSeconds);
    expect(requeuedIds(sendBatch)).toEqual([id, id]);
  });

  it("leaves messages that have moved on from queued alone", async () => {
    const account = await createAccount();
    const id = await strandedMessage(account);
    const queuedAt = longAgo();
    await age([id], queuedAt);
    await messageDb(id).update(messages).set({ status: "failed" }).where(eq(messages.id, id));
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch");
    await cronRunAt(queuedAt + RECONCILE.graceSeconds + 60);
    expect(requeuedIds(sendBatch)).not.toContain(id);
  });

  it("keeps the message queued and retries next run when the Queue is still down", async () => {
    const account = await createAccount();
    const id = await strandedMessage(account);
    const queuedAt = longAgo();
    await age([id], queuedAt);
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
    await expect(cronRunAt(queuedAt + RECONCILE.graceSeconds + 60)).rejects.toThrow("scheduled maintenance failed");
    sendBatch.mockClear().mockResolvedValue({} as never);
    vi.spyOn(console, "log").mockImplementation(() => {});
    await cronRunAt(queuedAt + RECONCILE.graceSeconds + 120);
    expect(requeuedIds(sendBatch)).toEqual([id]);
  });

  it("re-enqueues at most one bounded batch per run, the longest-waiting first", async () => {
    const account = await createAccount();
    const queuedAt = longAgo();
    const ids = Array.from({ length: RECONCILE.batchSize + 5 }, (_, i) => `msg_${(queuedAt * 1000 + i).toString(16).padStart(12, "0")}${"0".repeat(20)}`);
    const rows = ids.map((id, i) => ({
      id,
      accountId: account.id,
      mode: "test" as const,
      channel: "sms" as const,
      to: "+14155550123",
      from: "OmniFlow",
      content: { text: "hi" },
      createdAt: queuedAt,
      updatedAt: queuedAt - ids.length + i,
    }));
    // One row per statement: D1 binds at most 100 parameters per query. (The ids end in 0000: all on shard 0.)
    const shard0 = messageDb(ids[0]!);
    const [first, ...rest] = rows.map((row) => shard0.insert(messages).values(row));
    await shard0.batch([first!, ...rest]);
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockResolvedValue({} as never);
    vi.spyOn(console, "log").mockImplementation(() => {});

    await cronRunAt(queuedAt + RECONCILE.graceSeconds);
    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(requeuedIds(sendBatch)).toEqual(ids.slice(0, RECONCILE.batchSize));
    // The next run takes the ones left behind first: they have waited longest.
    await cronRunAt(queuedAt + RECONCILE.graceSeconds + 60);
    expect(requeuedIds(sendBatch).slice(RECONCILE.batchSize, RECONCILE.batchSize + 5)).toEqual(ids.slice(RECONCILE.batchSize));
  });

  it("finds stuck messages through the partial index of queued rows", async () => {
    const query = stuckQueuedMessagesQuery(shardDatabase(env, 0), 0, RECONCILE.batchSize).toSQL();
    const { results } = await env.MESSAGES_DB_0.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    // Covering: the index holds id and updated_at, so the run reads no row, only the queued rows' entries.
    expect(results.map((row) => row.detail).join("; ")).toMatch(/^SCAN messages USING COVERING INDEX messages_queued_idx\b/);
  });
});
