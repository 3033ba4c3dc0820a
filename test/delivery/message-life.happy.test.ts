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
import { countD1Statements } from "../support/db.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { eventually } from "../support/wait.ts";

afterEach(() => vi.restoreAllMocks());

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

it("a sandbox SMS with a callback costs 3 Durable Object requests, at most 8 storage writes, 2 D1 reads and 3 D1 writes", async () => {
  const receiver = fakeReceiver();
  const account = await createAccount();
  const body = smsBody({ status_callback: receiver.url });
  const warm = await createMessage(account, body);
  await eventually(() => receiver.requests.length === 2);

  // Every SQL storage of an object shares one prototype: count its writes.
  const sql = await runInDurableObject(messageStatusStub(env, warm.id), (_: MessageStatus, state) => Object.getPrototypeOf(state.storage.sql));
  const storageExec = vi.spyOn(sql, "exec");
  const calls = {
    admit: vi.spyOn(AccountGate.prototype, "admit"),
    deliver: vi.spyOn(MessageStatus.prototype, "deliver"),
    receipt: vi.spyOn(MessageStatus.prototype, "receipt"),
    alarm: vi.spyOn(MessageStatus.prototype, "alarm"),
  };
  const d1 = countD1Statements();

  await createMessage(account, body);
  await eventually(() => receiver.requests.length === 4);
  await new Promise((resolve) => setTimeout(resolve, 200)); // nothing further is due: let any stray call show

  const storageWrites = storageExec.mock.calls.filter(([query]) => WRITE.test(query as string)).length;
  const requests = Object.fromEntries(Object.entries(calls).map(([name, spy]) => [name, spy.mock.calls.length]));
  expect(requests).toEqual({ admit: 1, deliver: 1, receipt: 0, alarm: 1 });
  expect(storageWrites).toBeLessThanOrEqual(8);
  expect(d1.reads).toBeLessThanOrEqual(2);
  expect(d1.writes).toBe(3);
  expect(receiver.requests.map((request) => JSON.parse(request.body).type)).toEqual(["message.sent", "message.delivered", "message.sent", "message.delivered"]);
});
