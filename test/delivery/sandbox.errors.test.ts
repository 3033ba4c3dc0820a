// The sandbox's flaky number through its retries, driven job by job instead of
// waiting on the real Queue: the consumer runs on batches made here
// (createMessageBatch/getQueueResult), each retry at the time its backoff asked
// for, and the delivery report's alarm runs on demand (runDurableObjectAlarm).
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";
import { waitForStatus } from "../support/wait.ts";

const FINAL = ["delivered", "read", "undelivered", "failed"];

afterEach(() => vi.useRealTimers());

describe("sandbox (test keys)", () => {
  it("retries +15005550003 through two 503s and delivers it on the third attempt", async () => {
    const account = await createAccount();
    // Stored without a Queue job: only the batches below deliver it.
    const id = await storeMessage(account, { to: "+15005550003" });
    let now = Date.now();
    const retried: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      vi.useFakeTimers({ toFake: ["Date"], now });
      const result = await runConsumer([id], attempt);
      retried.push(result.retryMessages.length);
      // The Queue hands the job back once the delay the consumer asked for has passed.
      now += (result.retryDelays[0] ?? 0) * 1000;
    }
    expect(retried).toEqual([1, 1, 0]);
    // The sandbox's delivery report is due 100 ms after the hand-off.
    vi.useFakeTimers({ toFake: ["Date"], now: now + 1_000 });
    expect(await runDurableObjectAlarm(messageStatusStub(env, id))).toBe(true);
    vi.useRealTimers();

    expect(await waitForStatus(account, id, FINAL, 1_000)).toMatchObject({ status: "delivered", error: null });
    const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: Record<string, unknown> }[] }>();
    const attempts = events.data.filter((e) => e.type === "provider.attempt").map((e) => [e.data.outcome, e.data.http_status ?? null]);
    expect(attempts).toEqual([
      ["retryable_error", 503],
      ["retryable_error", 503],
      ["accepted", null],
    ]);
  });
});
