// A scheduled message waits for its Durable Object's alarm, not for a Queue
// job. If the create could not arm that alarm (its object unreachable twice),
// the message is still answered 201 and stored `scheduled`; once its send time
// has passed by the grace period, the reconciler (the every-minute cron) arms
// it, and it is handed off once. Like the queued-message tests
// (reconcile.errors), each test runs the cron at a moment of its own in 1970,
// so no other test's rows are that old.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { overdueScheduledQuery } from "../../src/db/messages.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { RECONCILE } from "../../src/delivery/reconcile.ts";
import { homedOn } from "../../src/domain/placement.ts";
import worker from "../../src/index.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb, rowFromQueue, storedMessage } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { storeMessage } from "../support/queue.ts";
import { eventually, waitForStatusThroughQueue } from "../support/wait.ts";

afterEach(() => vi.restoreAllMocks());

let epoch = 900_000;
const longAgo = () => (epoch -= 10_000);

function cronRunAt(seconds: number) {
  return worker.scheduled(createScheduledController({ scheduledTime: seconds * 1000, cron: "* * * * *" }), env);
}

async function handOffs(key: string, id: string): Promise<number> {
  const events = await (await api(`/v1/messages/${id}/events`, { key })).json<{ data: { type: string; data: { outcome?: string } }[] }>();
  return events.data.filter((event) => event.type === "provider.attempt" && event.data.outcome === "accepted").length;
}

describe("a scheduled message whose alarm the create could not arm", () => {
  it("is answered 201 and stored, then armed by the reconciler once its time has passed, and handed off once", async () => {
    const account = await createAccount();
    const unreachable = { schedule: () => Promise.reject(new Error("object unavailable")) } as never;
    vi.spyOn(env.MESSAGE_STATUS, "get").mockReturnValueOnce(unreachable).mockReturnValueOnce(unreachable);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = await api("/v1/messages", { key: account.key, json: smsBody({ send_at: Math.floor(Date.now() / 1000) + 3600 }) });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    expect(await storedMessage(id)).toMatchObject({ status: "scheduled" });
    expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)).event)).toContain("schedule_failed");
    vi.mocked(env.MESSAGE_STATUS.get).mockRestore();

    // Its send time, moved to long ago; the cron within the grace leaves it, past it arms it.
    const sendAt = longAgo();
    await messageDb(id).update(messages).set({ sendAt, updatedAt: sendAt }).where(eq(messages.id, id));
    vi.spyOn(console, "log").mockImplementation(() => {});
    await cronRunAt(sendAt + RECONCILE.graceSeconds - 1);
    expect(await storedMessage(id)).toMatchObject({ status: "scheduled", updatedAt: sendAt });
    await cronRunAt(sendAt + RECONCILE.graceSeconds + 1);
    await waitForStatusThroughQueue(account, id, ["delivered"]);
    expect(await handOffs(account.key, id)).toBe(1);
  });

  it("is not sent twice when its object had armed it after all: the second arming finds it sent", async () => {
    const account = await createAccount();
    const sendAt = Math.floor(Date.now() / 1000) + 1;
    const { id } = await (await api("/v1/messages", { key: account.key, json: smsBody({ send_at: sendAt }) })).json<{ id: string }>();
    await waitForStatusThroughQueue(account, id, ["delivered"], 10_000);
    // As if the row had lagged behind as scheduled: the reconciler arms it again.
    const past = longAgo();
    await messageDb(id).update(messages).set({ status: "scheduled", sendAt: past, updatedAt: past }).where(eq(messages.id, id));
    vi.spyOn(console, "log").mockImplementation(() => {});
    await cronRunAt(past + RECONCILE.graceSeconds + 1);
    await scheduler.wait(300);
    expect(await handOffs(account.key, id)).toBe(1);
  });

  it("arms the others when one object cannot be reached, and that one on the next run", async () => {
    // One shard: the reconciler takes each database in turn, and the object refused is the first message it arms.
    const account = await createAccount("test", { placement: homedOn(0) });
    const sendAt = longAgo();
    const ids: string[] = [];
    for (const offset of [0, 1]) {
      const { id } = await (await api("/v1/messages", { key: account.key, json: smsBody({ send_at: Math.floor(Date.now() / 1000) + 3600 }) })).json<{
        id: string;
      }>();
      await messageDb(id)
        .update(messages)
        .set({ sendAt: sendAt + offset, updatedAt: sendAt })
        .where(eq(messages.id, id));
      ids.push(id);
    }
    // The objects armed at create would send them in an hour; emptied, they know nothing of them, as after a failed arming.
    for (const id of ids) await messageStatusStub(env, id).forget();
    vi.spyOn(console, "log").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(env.MESSAGE_STATUS, "get").mockReturnValueOnce({ schedule: () => Promise.reject(new Error("object unavailable")) } as never);
    await cronRunAt(sendAt + RECONCILE.graceSeconds + 1);
    vi.mocked(env.MESSAGE_STATUS.get).mockRestore();
    await waitForStatusThroughQueue(account, ids[1]!, ["delivered"]);
    expect(await storedMessage(ids[0]!)).toMatchObject({ status: "scheduled", updatedAt: sendAt });

    await cronRunAt(sendAt + RECONCILE.graceSeconds + 61);
    await waitForStatusThroughQueue(account, ids[0]!, ["delivered"]);
    expect(await handOffs(account.key, ids[0]!)).toBe(1);
    expect(await handOffs(account.key, ids[1]!)).toBe(1);
  });

  it("has the object project its view again when it already canceled the message, so the row does not stay scheduled", async () => {
    const account = await createAccount();
    const sendAt = longAgo();
    const [id] = await canceledUnseen(account, sendAt, 1);
    vi.spyOn(console, "log").mockImplementation(() => {});

    await cronRunAt(sendAt + RECONCILE.graceSeconds + 1);

    await rowFromQueue(id!).toMatchObject({ status: "canceled" });
  });

  it("puts rows re-armed every run behind one never armed: 101 rows still behind cannot keep it from being sent", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const sendAt = longAgo();
    const behind = await canceledUnseen(account, sendAt, RECONCILE.batchSize + 1);
    // Its create could not arm it, and its time is the latest: behind all of them by send time.
    const unarmed = await storeMessage(account, { status: "scheduled", sendAt: sendAt + RECONCILE.batchSize + 1, updatedAt: sendAt });
    // Their projections keep being lost, so re-arming does not bring them level.
    vi.spyOn(env.PROJECTIONS_QUEUE, "send").mockResolvedValue({} as QueueSendResponse);
    vi.spyOn(console, "log").mockImplementation(() => {});

    const late = sendAt + RECONCILE.batchSize + 1 + RECONCILE.graceSeconds;
    await cronRunAt(late + 1);
    await cronRunAt(late + 61);

    await eventually(async () => (await handOffs(account.key, unarmed)) === 1);
    expect((await storedMessage(behind[0]!)).status).toBe("scheduled");
  });
});

it("finds overdue scheduled rows through the partial index of scheduled rows", async () => {
  const query = overdueScheduledQuery(shardDatabase(env, 0), 0, RECONCILE.batchSize).toSQL();
  const { results } = await env.MESSAGES_DB_0.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
    .bind(...query.params)
    .all<{ detail: string }>();
  expect(results.map((row) => row.detail).join("; ")).toContain("USING INDEX messages_scheduled_idx");
});

/** `howMany` scheduled messages canceled by their objects, the projections of it lost: their rows say scheduled, sent at `sendAt` on. */
async function canceledUnseen(account: TestAccount, sendAt: number, howMany: number): Promise<string[]> {
  vi.spyOn(env.PROJECTIONS_QUEUE, "send").mockResolvedValue({} as QueueSendResponse);
  const ids: string[] = [];
  for (let i = 0; i < howMany; i++) {
    const id = await storeMessage(account, { status: "scheduled", sendAt: sendAt + i, updatedAt: sendAt });
    const answer: { outcome: string } = await messageStatusStub(env, id).cancel(id);
    expect(answer.outcome).toBe("cancel");
    ids.push(id);
  }
  vi.mocked(env.PROJECTIONS_QUEUE.send).mockRestore();
  return ids;
}
