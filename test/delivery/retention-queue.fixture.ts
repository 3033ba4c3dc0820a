// Accounts with messages past their retention, the retention queue's consumer
// run on a batch the test makes, and its object calls held or failed.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import type { Placement } from "../../src/domain/placement.ts";
import { workerControl } from "../../src/services/control.ts";
import { consumeRetention, type RetentionTask } from "../../src/services/retention-tasks.ts";
import { DAY_MS, ONE_SHARD } from "../messages/archive.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { idCreatedAt, recordRetryDelays, runConsumer, storeMessage } from "../support/queue.ts";

export const SHARD_0: RetentionTask = { kind: "messages", shard: 0 };

export async function withRetention(days: number, placement: Placement = ONE_SHARD): Promise<TestAccount> {
  const account = await createAccount("test", { placement });
  expect((await api("/v1/account", { key: account.key, json: { retention_days: days } })).status).toBe(200);
  return account;
}

/** `howMany` messages of the account 5 days old, delivered through their objects (their storage holds their events). */
export async function expired(account: TestAccount, howMany: number): Promise<string[]> {
  const at = Date.now() - 5 * DAY_MS;
  const ids = [];
  for (let i = 0; i < howMany; i++) ids.push(await storeMessage(account, { id: idCreatedAt(account, at + i), createdAt: Math.floor((at + i) / 1000) }));
  await runConsumer(ids);
  return ids;
}

/** The consumer on one batch of these tasks, with `budget` messages a task; what it acked and retried (with its delays), and the continuations it queued. */
export async function consume(tasks: RetentionTask[], budget: number) {
  const sent: RetentionTask[] = [];
  vi.spyOn(env.RETENTION_QUEUE, "send").mockImplementation(async (body) => {
    sent.push(body as RetentionTask);
    return {} as QueueSendResponse;
  });
  const batch = createMessageBatch<RetentionTask>(
    "omniflow-retention",
    tasks.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  const retryDelays = recordRetryDelays(batch);
  const ctx = createExecutionContext();
  await consumeRetention(batch, env, workerControl(env), budget);
  return { ...(await getQueueResult(batch, ctx)), sent, retryDelays };
}

/** The first `forget` call to the object of one of `ids` runs `instead` (it may wait, or throw) before the real call. */
export function interceptFirstForget(ids: string[], instead: () => Promise<void>): void {
  const get = env.MESSAGE_STATUS.get.bind(env.MESSAGE_STATUS);
  let intercepted = false;
  vi.spyOn(env.MESSAGE_STATUS, "get").mockImplementation((id) => {
    const stub = get(id);
    if (intercepted || !ids.some((messageId) => env.MESSAGE_STATUS.idFromName(messageId).equals(id))) return stub;
    intercepted = true;
    return new Proxy(stub, {
      get: (target, name) =>
        name === "forget"
          ? async () => {
              await instead();
              return target.forget();
            }
          : Reflect.get(target, name),
    });
  });
}
