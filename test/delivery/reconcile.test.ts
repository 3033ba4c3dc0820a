import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stuckQueuedMessagesQuery } from "../../src/db/messages.ts";
import { messages } from "../../src/db/schema.ts";
import { RECONCILE } from "../../src/delivery/reconcile.ts";
import worker from "../../src/index.ts";
import { api, createAccount, db, smsBody } from "../helpers.ts";

afterEach(() => vi.restoreAllMocks());

const MINUTE = 60_000;

/** The Cron Trigger's run, as if it fired `minutesFromNow` minutes from now. */
function cronRun(minutesFromNow: number) {
  return worker.scheduled(createScheduledController({ scheduledTime: Date.now() + minutesFromNow * MINUTE, cron: "* * * * *" }), env);
}

/** Creates a message whose Queue.send fails, as if the Queue were down at that moment. */
async function messageWithFailedEnqueue(): Promise<string> {
  const account = await createAccount();
  const send = vi.spyOn(env.MESSAGES_QUEUE, "send").mockRejectedValueOnce(new Error("queue unavailable"));
  vi.spyOn(console, "error").mockImplementation(() => {});
  const res = await api("/v1/messages", { key: account.key, json: smsBody() });
  expect(res.status).toBe(201);
  expect(send).toHaveBeenCalledTimes(1);
  return (await res.json<{ id: string }>()).id;
}

/** The message ids of every job sent with sendBatch during the test. */
function requeuedIds(sendBatch: { mock: { calls: unknown[][] } }): string[] {
  return sendBatch.mock.calls.flatMap(([jobs]) => (jobs as { body: { messageId: string } }[]).map((job) => job.body.messageId));
}

describe("reconciler (Cron Trigger every minute)", () => {
  it("re-enqueues a message whose Queue.send failed at create, once its grace period is over", async () => {
    const id = await messageWithFailedEnqueue();
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch");
    vi.spyOn(console, "log").mockImplementation(() => {});

    await cronRun(1); // still within the 2 minute grace period
    expect(requeuedIds(sendBatch)).not.toContain(id);

    await cronRun(3);
    expect(requeuedIds(sendBatch).filter((sent) => sent === id)).toHaveLength(1);
    expect(sendBatch).toHaveBeenCalledWith(expect.arrayContaining([{ body: { messageId: id }, contentType: "json" }]));
  });

  it("sends it again only after another grace period, not every minute", async () => {
    const id = await messageWithFailedEnqueue();
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch");
    vi.spyOn(console, "log").mockImplementation(() => {});
    await cronRun(3);
    await cronRun(4);
    expect(requeuedIds(sendBatch).filter((sent) => sent === id)).toHaveLength(1);
    await cronRun(6);
    expect(requeuedIds(sendBatch).filter((sent) => sent === id)).toHaveLength(2);
  });

  it("leaves messages that have moved on from queued alone", async () => {
    const id = await messageWithFailedEnqueue();
    await db().update(messages).set({ status: "delivered" }).where(eq(messages.id, id));
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch");
    await cronRun(3);
    expect(requeuedIds(sendBatch)).not.toContain(id);
  });

  it("keeps the message queued and retries next run when the Queue is still down", async () => {
    const id = await messageWithFailedEnqueue();
    vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
    await expect(cronRun(3)).rejects.toThrow("scheduled maintenance failed");
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch");
    vi.spyOn(console, "log").mockImplementation(() => {});
    await cronRun(4);
    expect(requeuedIds(sendBatch)).toContain(id);
  });

  it("re-enqueues at most one bounded batch per run, oldest first", async () => {
    const account = await createAccount();
    const old = Math.floor(Date.now() / 1000) - 3600;
    const ids = Array.from({ length: RECONCILE.batchSize + 5 }, (_, i) => `msg_${(old * 1000 + i).toString(16).padStart(12, "0")}${"0".repeat(20)}`);
    const rows = ids.map((id, i) => ({
      id,
      accountId: account.id,
      mode: "test" as const,
      channel: "sms" as const,
      to: "+14155550123",
      from: "OmniFlow",
      content: { text: "hi" },
      createdAt: old,
      updatedAt: old - ids.length + i,
    }));
    // One row per statement: D1 binds at most 100 parameters per query.
    const [first, ...rest] = rows.map((row) => db().insert(messages).values(row));
    await db().batch([first!, ...rest]);
    const sendBatch = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch");
    vi.spyOn(console, "log").mockImplementation(() => {});
    await cronRun(0);
    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(requeuedIds(sendBatch)).toHaveLength(RECONCILE.batchSize);
    expect(requeuedIds(sendBatch).slice(0, 3)).toEqual(ids.slice(0, 3));
  });

  it("finds stuck messages through the partial index of queued rows", async () => {
    const query = stuckQueuedMessagesQuery(db(), 0, RECONCILE.batchSize).toSQL();
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    expect(results.map((row) => row.detail).join("; ")).toContain("USING INDEX messages_queued_idx");
  });
});
