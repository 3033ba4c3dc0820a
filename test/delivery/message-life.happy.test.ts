// What one message costs over its whole life, counted
// through the real pipeline: a sandbox SMS with a status_callback, from its
// create to `delivered`, with both callbacks answered. The account's gate is
// warmed by an earlier message, as it is for any account that sends.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { ROW_CHECK_AFTER_MS } from "../../src/delivery/status-projection.ts";
import { AccountGate } from "../../src/gate/account-gate.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { countD1Statements, rowFromQueue, storedMessage } from "../support/db.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { smsBody } from "../support/messages.ts";
import { eventually } from "../support/wait.ts";

afterEach(() => vi.restoreAllMocks());

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

it("a sandbox SMS with a callback costs 4 Durable Object requests, 4 storage rows written, one projection queued, at most 6 D1 reads and 3 D1 writes of its own", async () => {
  const receiver = fakeReceiver();
  const account = await createAccount();
  const body = smsBody({ status_callback: receiver.url });
  // On the account's home shard, as the counted create (with its Idempotency-Key) is: the account's copy of its
  // signing secrets on that shard, written at its first callback there, is the account's cost, not the message's.
  const warmed = await api("/v1/messages", { key: account.key, json: body, headers: { "Idempotency-Key": crypto.randomUUID() } });
  const warm = await warmed.json<{ id: string }>();
  await eventually(() => receiver.requests.length === 2);
  // Its projections too: the consumer's reads of the account's placement would count.
  await rowFromQueue(warm.id).toMatchObject({ status: "delivered" });

  // Other test files share this runtime: every count is narrowed to this account and this message.
  const sql = await runInDurableObject(messageStatusStub(env, warm.id), (_: MessageStatus, state) => Object.getPrototypeOf(state.storage.sql));
  const storageExec = vi.spyOn(sql, "exec");
  const calls = {
    admit: vi.spyOn(AccountGate.prototype, "admit"),
    deliver: vi.spyOn(MessageStatus.prototype, "deliver"),
    receipt: vi.spyOn(MessageStatus.prototype, "receipt"),
    alarm: vi.spyOn(MessageStatus.prototype, "alarm"),
  };
  const d1 = countD1Statements([account.id]);
  const queued = vi.spyOn(env.PROJECTIONS_QUEUE, "send");

  // With an Idempotency-Key, whose claim (bound to the account) names the message id before anything else reads it.
  const res = await api("/v1/messages", { key: account.key, json: body, headers: { "Idempotency-Key": crypto.randomUUID() } });
  expect(res.status).toBe(201);
  const created = await res.json<{ id: string }>();
  await eventually(() => receiver.requests.length === 4);
  // Until its row shows delivered; these reads of the row are the test's own, not the message's.
  let polls = 0;
  await eventually(async () => ++polls && (await storedMessage(created.id)).status === "delivered");
  await new Promise((resolve) => setTimeout(resolve, 200)); // nothing further is due but the row's check: let any stray call show
  // The row's check, ROW_CHECK_AFTER_MS after the last change (row-check.ts): a deliberate cost of the flat
  // convergence bound, one alarm and one D1 read of the row (settled in memory: no storage write).
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + ROW_CHECK_AFTER_MS + 1000 });
  expect(await runDurableObjectAlarm(messageStatusStub(env, created.id))).toBe(true);
  vi.useRealTimers();

  const objectSql = await runInDurableObject(messageStatusStub(env, created.id), (_: MessageStatus, state) => state.storage.sql);
  const mine = (spy: { mock: { contexts: unknown[] } }, index: number) => spy.mock.contexts[index];
  // Rows written as Cloudflare bills them (the cursor's count: SQLite's own bookkeeping included).
  const storageRows = storageExec.mock.calls
    .map(([query], i) =>
      WRITE.test(query as string) && mine(storageExec, i) === objectSql
        ? (storageExec.mock.results[i]!.value as SqlStorageCursor<Record<string, SqlStorageValue>>).rowsWritten
        : 0,
    )
    .reduce((a, b) => a + b, 0);
  const requests = {
    admit: calls.admit.mock.calls.filter(([request]) => request.accountId === account.id).length,
    deliver: calls.deliver.mock.calls.filter(([messageId]) => messageId === created.id).length,
    receipt: calls.receipt.mock.calls.filter(([receipt]) => receipt.messageId === created.id).length,
    alarm: calls.alarm.mock.contexts.filter((instance) => (instance as unknown as { ctx: DurableObjectState }).ctx.storage.sql === objectSql).length,
  };
  // Two alarms: the sandbox's report, and the row's check.
  expect(requests).toEqual({ admit: 1, deliver: 1, receipt: 0, alarm: 2 });
  // One row a write: each change (sent, delivered: its state and events together) and each callback's attempt; the
  // hand-off's lease is held in memory (MessageStore.holdState), and the row check, finding the row level, writes none.
  expect(storageRows).toBe(4);
  // One Queue message of a projection: `delivered`'s. The delivery consumer wrote `sent` itself (direct-projections.ts).
  expect(queued.mock.calls.filter(([projection]) => (projection as { messageId: string }).messageId === created.id)).toHaveLength(1);
  // The message's own: at most 6 reads (its object's read of the row, the outbox's of the signing secrets, once, or
  // twice when the second callback signs over a second after the first, the read of placements by the delivery
  // consumer's write of `sent` and by the projection consumer's batch of `delivered`, and the row check's read of
  // projection_seq) and 3 writes (the insert, and the two projections' updates); the key's claim adds 2 reads and
  // 1 write (src/db/idempotency.ts).
  expect(d1.reads - polls).toBeLessThanOrEqual(6 + 2);
  expect(d1.writes).toBe(3 + 1);
  expect(receiver.requests.map((request) => JSON.parse(request.body).type)).toEqual(["message.sent", "message.delivered", "message.sent", "message.delivered"]);
});
