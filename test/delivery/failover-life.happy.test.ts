// What a message with one fallback step costs over its whole life, counted as
// message-life.happy.test.ts counts a plain one: a sandbox WhatsApp message to
// the number that is not on WhatsApp (+15005550004), falling back to SMS,
// with a status_callback. Each change costs what any change does (at most one
// D1 projection, one state and one event write, one callback); the step's
// hand-off is one more alarm of the message's own object, not a Queue job.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { AccountGate } from "../../src/gate/account-gate.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { countD1Statements, rowFromQueue } from "../support/db.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage } from "../support/messages.ts";
import { eventually } from "../support/wait.ts";

afterEach(() => vi.restoreAllMocks());

it("a WhatsApp message that falls back to SMS costs one gate call, one Queue delivery, an alarm per hand-off and report, and at most a D1 write per change", async () => {
  const receiver = fakeReceiver();
  const account = await createAccount();
  const body = { channel: "WHATSAPP", to: "+15005550004", content: { text: "hi" }, fallback: [{ channel: "SMS" }], status_callback: receiver.url };
  // Warms the account's gate, as for any account that sends.
  const warm = await createMessage(account, body);
  await eventually(() => receiver.requests.length === 3);
  // Its projections too: the consumer's reads and writes would count.
  await rowFromQueue(warm.id).toMatchObject({ status: "delivered" });

  const calls = {
    admit: vi.spyOn(AccountGate.prototype, "admit"),
    deliver: vi.spyOn(MessageStatus.prototype, "deliver"),
    alarm: vi.spyOn(MessageStatus.prototype, "alarm"),
  };
  const d1 = countD1Statements([account.id]);
  const res = await api("/v1/messages", { key: account.key, json: body });
  expect(res.status).toBe(201);
  const { id } = await res.json<{ id: string }>();
  await eventually(() => receiver.requests.length === 6);
  await rowFromQueue(id).toMatchObject({ status: "delivered", deliveredChannel: "sms" });

  const objectSql = await runInDurableObject(messageStatusStub(env, id), (_: MessageStatus, state) => state.storage.sql);
  const own = (instance: unknown) => (instance as { ctx: DurableObjectState }).ctx.storage.sql === objectSql;
  expect({
    admit: calls.admit.mock.calls.filter(([request]) => request.accountId === account.id).length,
    // The Queue's delivery of the first step (the second's hand-off is the object's own, in its alarm).
    deliver: calls.deliver.mock.calls.filter(([messageId]) => messageId === id).length,
    // The second step's hand-off, and the sandbox's delivery report.
    alarm: calls.alarm.mock.contexts.filter(own).length,
  }).toEqual({ admit: 1, deliver: 1, alarm: 2 });
  // The insert, and at most one update per change (the first step failed, the second sent, then delivered): fewer
  // when the projection queue carries two changes in one batch, since only the newest is written.
  expect(d1.writes).toBeGreaterThanOrEqual(2);
  expect(d1.writes).toBeLessThanOrEqual(4);
  expect(receiver.requests.slice(3).map((request) => JSON.parse(request.body).type)).toEqual(["message.attempt.failed", "message.sent", "message.delivered"]);
  receiver.restore();
});
