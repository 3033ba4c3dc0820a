// What one message costs over its whole life (issue 13's budget), counted
// through the real pipeline: a sandbox SMS with a status_callback, from its
// create to `delivered`, with both callbacks answered. The account's gate is
// warmed by an earlier message, as it is for any account that sends.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { AccountGate } from "../../src/gate/account-gate.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { countD1Statements, rowFromQueue, storedMessage } from "../support/db.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { eventually } from "../support/wait.ts";

afterEach(() => vi.restoreAllMocks());

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

it("a sandbox SMS with a callback costs 3 Durable Object requests, at most 8 storage writes, at most 4 D1 reads and 3 D1 writes of its own", async () => {
  const receiver = fakeReceiver();
  const account = await createAccount();
  const body = smsBody({ status_callback: receiver.url });
  const warm = await createMessage(account, body);
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

  // With an Idempotency-Key, whose claim (bound to the account) names the message id before anything else reads it.
  const res = await api("/v1/messages", { key: account.key, json: body, headers: { "Idempotency-Key": crypto.randomUUID() } });
  expect(res.status).toBe(201);
  const created = await res.json<{ id: string }>();
  await eventually(() => receiver.requests.length === 4);
  // Until its row shows delivered; these reads of the row are the test's own, not the message's.
  let polls = 0;
  await eventually(async () => ++polls && (await storedMessage(created.id)).status === "delivered");
  await new Promise((resolve) => setTimeout(resolve, 200)); // nothing further is due: let any stray call show

  const objectSql = await runInDurableObject(messageStatusStub(env, created.id), (_: MessageStatus, state) => state.storage.sql);
  const mine = (spy: { mock: { contexts: unknown[] } }, index: number) => spy.mock.contexts[index];
  const storageWrites = storageExec.mock.calls.filter(([query], i) => WRITE.test(query as string) && mine(storageExec, i) === objectSql).length;
  const requests = {
    admit: calls.admit.mock.calls.filter(([request]) => request.accountId === account.id).length,
    deliver: calls.deliver.mock.calls.filter(([messageId]) => messageId === created.id).length,
    receipt: calls.receipt.mock.calls.filter(([receipt]) => receipt.messageId === created.id).length,
    alarm: calls.alarm.mock.contexts.filter((instance) => (instance as unknown as { ctx: DurableObjectState }).ctx.storage.sql === objectSql).length,
  };
  expect(requests).toEqual({ admit: 1, deliver: 1, receipt: 0, alarm: 1 });
  expect(storageWrites).toBeLessThanOrEqual(8);
  // The message's own: at most 4 reads (its object's read of the row, the outbox's of the signing secrets, and the
  // projection consumer's read of placements once per batch, here one or two) and 3 writes (the insert, and one
  // update per projection batch: two, or one when both changes land in one batch); the key's claim adds 2 reads and
  // 1 write (src/db/idempotency.ts).
  expect(d1.reads - polls).toBeLessThanOrEqual(4 + 2);
  expect(d1.writes).toBeGreaterThanOrEqual(2 + 1);
  expect(d1.writes).toBeLessThanOrEqual(3 + 1);
  expect(receiver.requests.map((request) => JSON.parse(request.body).type)).toEqual(["message.sent", "message.delivered", "message.sent", "message.delivered"]);
});
